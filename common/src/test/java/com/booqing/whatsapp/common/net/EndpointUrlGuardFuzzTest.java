package com.booqing.whatsapp.common.net;

import com.booqing.whatsapp.common.net.AddressOracle.Verdict;
import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EndpointUrlGuard} under Jazzer, with its server-side request forgery detector armed.
 *
 * <p>Three kinds of input: arbitrary URL text; an address the fuzzer picks (biased towards the special ranges)
 * written in one of the spellings SSRF tricks use (decimal, octal, hex, short and padded IPv4, percent-encoding,
 * IPv4-mapped / compatible / NAT64 / 6to4 / Teredo IPv6, zones, case, trailing dots); and a DNS answer of one to
 * three such addresses given to {@link EndpointUrlGuard#checkResolved}. Only {@link
 * EndpointUrlGuard.UnsafeUrlException} may escape.
 *
 * <p>Whenever the guard lets an IP address through, the test does what a caller does next: it connects to it.
 * The socket is one whose implementation never touches the network, but the connect goes through
 * {@link Socket#connect}, where Jazzer's SSRF detector sits; the detector is told, with
 * {@link BugDetectors#allowNetworkConnections}, to allow only what the independent {@link AddressOracle} calls
 * public (for the strict guard) or not the metadata service (for the guard of local runs). A bypass is therefore
 * reported by Jazzer itself as "Server Side Request Forgery". The other direction, a public address refused, is an
 * assertion. A host name that is not an IP literal is not resolved (no DNS in tests); it must not be something a
 * client reads as a number (inet_aton's and WHATWG's IPv4 forms) unless it is a canonical dotted quad.
 */
class EndpointUrlGuardFuzzTest {
    private static final EndpointUrlGuard STRICT = new EndpointUrlGuard(false);
    private static final EndpointUrlGuard LOCAL_RUNS = new EndpointUrlGuard(true);
    private static final Pattern CANONICAL_QUAD = Pattern.compile(
            "(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})");

    /** Where the fuzzer's addresses start: the special ranges, their edges, and public neighbours. */
    private static final List<String> V4_SEEDS = List.of("127.0.0.1", "10.0.0.0", "172.16.0.0", "172.32.0.0",
            "192.168.0.0", "169.254.169.254", "169.254.0.0", "100.64.0.0", "100.128.0.0", "0.0.0.0", "224.0.0.0",
            "240.0.0.0", "255.255.255.255", "192.0.0.0", "192.0.2.0", "198.18.0.0", "198.20.0.0", "198.51.100.0",
            "203.0.113.0", "8.8.8.8", "1.1.1.1", "93.184.216.34");
    private static final List<String> V6_SEEDS = List.of("::", "::1", "::ffff:0:0", "64:ff9b::", "64:ff9b:1::",
            "100::", "100:0:0:1::", "2001::", "2001:2::", "2001:db8::", "2002::", "3fff::", "5f00::", "fc00::",
            "fd00:ec2::254", "fe80::", "fec0::", "ff02::", "2001:4860:4860::8888", "2606:4700::1111", "2a00:1450::");

    @FuzzTest(maxDuration = "60s")
    void letsThroughOnlyWhatTheOracleCallsPublicWhateverTheSpelling(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 2)) {
            case 0 -> url(data.consumeRemainingAsString());
            case 1 -> url(spelledUrl(data));
            default -> dnsAnswer(data);
        }
    }

    private static void url(String text) {
        Optional<URI> strict = attempt(STRICT, text);
        Optional<URI> local = attempt(LOCAL_RUNS, text);
        if (strict.isPresent()) {
            assertThat(local).as("the guard of local runs refused what the strict one allows").contains(strict.get());
        }
        strict.ifPresent(uri -> afterAcceptance(uri, false));
        local.ifPresent(uri -> afterAcceptance(uri, true));
        // The other direction, for IP literals the URL parser reads the same way as the guard.
        literalOf(text).ifPresent(address -> {
            if (strict.isEmpty() && local.isPresent()) {
                assertThat(AddressOracle.of(address)).as("refused a public address").isNotEqualTo(Verdict.PUBLIC);
            }
        });
    }

    private static Optional<URI> attempt(EndpointUrlGuard guard, String text) {
        try {
            return Optional.of(guard.check(text));
        } catch (EndpointUrlGuard.UnsafeUrlException refused) {
            if (text.contains("://")) {
                assertThat(refused.getMessage()).as("refusals never quote the URL").doesNotContain(text);
            }
            return Optional.empty();
        }
    }

    private static void afterAcceptance(URI uri, boolean allowPrivate) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        assertThat(port).as("accepted a URL no client can call").isBetween(1, 65535);
        if (host.startsWith("[")) {
            String inner = host.substring(1, host.length() - 1);
            int zone = inner.indexOf('%');
            connect(AddressOracle.literal(zone >= 0 ? inner.substring(0, zone) : inner), port, allowPrivate);
            return;
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        Optional<byte[]> numeric = readAsNumberByAClient(name);
        if (numeric.isPresent()) {
            assertThat(name).as("a numeric host other than a dotted quad was accepted").matches(CANONICAL_QUAD);
            connect(address(numeric.get()), port, allowPrivate);
            return;
        }
        if (!allowPrivate) {
            assertThat(name).as("a local host name was accepted")
                    .isNotEqualTo("localhost")
                    .doesNotEndWith(".localhost").doesNotEndWith(".local").doesNotEndWith(".internal")
                    .doesNotEndWith(".home.arpa");
        }
        assertThat(name).as("a metadata service name was accepted")
                .isNotIn("metadata.google.internal", "metadata.goog", "metadata", "instance-data",
                        "instance-data.ec2.internal");
    }

    private static void dnsAnswer(FuzzedDataProvider data) {
        int count = data.consumeInt(1, 3);
        List<InetAddress> answer = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answer.add(address(addressBytes(data)));
        }
        InetAddress[] addresses = answer.toArray(InetAddress[]::new);
        for (boolean allowPrivate : new boolean[]{false, true}) {
            EndpointUrlGuard guard = allowPrivate ? LOCAL_RUNS : STRICT;
            boolean accepted;
            try {
                guard.checkResolved("fuzzed.example", addresses);
                accepted = true;
            } catch (EndpointUrlGuard.UnsafeUrlException refused) {
                accepted = false;
            }
            if (accepted) {
                for (InetAddress address : addresses) {
                    connect(address, 443, allowPrivate);
                }
            } else {
                assertThat(answer).as("refused an answer of public addresses only")
                        .anyMatch(a -> !allowed(AddressOracle.of(a), allowPrivate));
            }
        }
    }

    private static boolean allowed(Verdict verdict, boolean allowPrivate) {
        return verdict == Verdict.PUBLIC || (allowPrivate && verdict == Verdict.INTERNAL);
    }

    /**
     * Connects as a caller would after the guard's yes, through a socket that never reaches the network. Jazzer's
     * detector sees the connect and reports SSRF unless the oracle allows the address.
     */
    private static void connect(InetAddress address, int port, boolean allowPrivate) {
        // Named by its own literal, so that neither the detector nor anyone else does a reverse lookup.
        InetAddress named = address(address.getAddress(), address.getHostAddress());
        try (SilentCloseable policy = BugDetectors.allowNetworkConnections(
                (host, p) -> allowed(AddressOracle.of(AddressOracle.literal(host)), allowPrivate));
             Socket socket = new OfflineSocket()) {
            socket.connect(new InetSocketAddress(named, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- the fuzzer's addresses and their spellings ---

    private static byte[] addressBytes(FuzzedDataProvider data) {
        boolean v4 = data.consumeBoolean();
        List<String> seeds = v4 ? V4_SEEDS : V6_SEEDS;
        byte[] b = AddressOracle.literal(seeds.get(data.consumeInt(0, seeds.size() - 1))).getAddress();
        if (!v4 && b.length == 4) {
            b = mapped(b);
        }
        // Keep a prefix of the seed, let the fuzzer write the rest.
        int kept = data.consumeInt(0, b.length);
        byte[] rest = data.consumeBytes(b.length - kept);
        System.arraycopy(rest, 0, b, kept, rest.length);
        return b;
    }

    private static String spelledUrl(FuzzedDataProvider data) {
        byte[] b = addressBytes(data);
        String host = b.length == 4 ? spellV4(b, data) : spellV6(b, data);
        String scheme = data.pickValue(List.of("http", "https", "HTTP", "hTTps"));
        String port = data.consumeBoolean() ? ":" + data.consumeInt(0, 70000) : "";
        String path = data.pickValue(List.of("/", "", "/v23.0/", "/api?x=1", "/%2e%2e/"));
        return scheme + "://" + host + port + path;
    }

    private static String spellV4(byte[] b, FuzzedDataProvider data) {
        long n = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        int[] p = {b[0] & 0xff, b[1] & 0xff, b[2] & 0xff, b[3] & 0xff};
        String quad = p[0] + "." + p[1] + "." + p[2] + "." + p[3];
        return switch (data.consumeInt(0, 13)) {
            case 0 -> quad;
            case 1 -> Long.toString(n);
            case 2 -> "0x" + Long.toHexString(n);
            case 3 -> "0" + Integer.toOctalString(p[0]) + ".0" + Integer.toOctalString(p[1]) + ".0"
                    + Integer.toOctalString(p[2]) + ".0" + Integer.toOctalString(p[3]);
            case 4 -> "0x" + Integer.toHexString(p[0]) + ".0x" + Integer.toHexString(p[1]) + "."
                    + p[2] + "." + p[3];
            case 5 -> p[0] + "." + p[1] + "." + ((p[2] << 8) | p[3]);
            case 6 -> p[0] + "." + ((p[1] << 16) | (p[2] << 8) | p[3]);
            case 7 -> String.format("%03d.%03d.%03d.%03d", p[0], p[1], p[2], p[3]);
            case 8 -> percentEncoded(quad, data);
            case 9 -> quad + ".";
            case 10 -> "[::ffff:" + quad + "]";
            case 11 -> "[::" + quad + "]";
            case 12 -> "[64:ff9b::" + quad + "]";
            default -> quad + data.pickValue(List.of("%00", "%2e", ".example.com", "@example.com", "\\@x.com"));
        };
    }

    private static String percentEncoded(String text, FuzzedDataProvider data) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(data.consumeBoolean() ? String.format("%%%02x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }

    private static String spellV6(byte[] b, FuzzedDataProvider data) {
        String[] groups = new String[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = Integer.toHexString(((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff));
        }
        String literal = switch (data.consumeInt(0, 5)) {
            case 0 -> String.join(":", groups);
            case 1 -> compressed(groups);
            case 2 -> compressed(groups).toUpperCase(Locale.ROOT);
            case 3 -> String.join(":", List.of(groups).subList(0, 6)) + ":" + (b[12] & 0xff) + "."
                    + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
            case 4 -> padded(groups);
            default -> compressed(groups) + data.pickValue(List.of("%25eth0", "%251", "%25lo", "%eth0", "%"));
        };
        return "[" + literal + "]";
    }

    private static String compressed(String[] groups) {
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestLength < 2) {
            return String.join(":", groups);
        }
        return String.join(":", List.of(groups).subList(0, bestStart)) + "::"
                + String.join(":", List.of(groups).subList(bestStart + bestLength, 8));
    }

    private static String padded(String[] groups) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            out.append(i == 0 ? "" : ":").append("0".repeat(4 - groups[i].length())).append(groups[i]);
        }
        return out.toString();
    }

    // --- reading hosts the way clients do ---

    /** The address a URL's host is, when it is an IP literal written in one of the spellings above. */
    private static Optional<InetAddress> literalOf(String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (Exception e) {
            return Optional.empty();
        }
        String host = uri.getHost();
        if (host == null) {
            return Optional.empty();
        }
        if (host.startsWith("[")) {
            String inner = host.substring(1, host.length() - 1);
            int zone = inner.indexOf('%');
            try {
                return Optional.of(AddressOracle.literal(zone >= 0 ? inner.substring(0, zone) : inner));
            } catch (IllegalArgumentException notOne) {
                return Optional.empty();
            }
        }
        return CANONICAL_QUAD.matcher(host).matches() ? readAsNumberByAClient(host).map(b -> address(b))
                : Optional.empty();
    }

    /**
     * The IPv4 address a client would read the host as: inet_aton's forms (1 to 4 parts, each decimal, octal with
     * a leading 0 or hex with 0x) and WHATWG's rule that a host whose last label is numeric is an IPv4 address.
     * Empty when neither reads it as a number.
     */
    static Optional<byte[]> readAsNumberByAClient(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Optional<Long> v = number(parts[i]);
            if (v.isEmpty()) {
                return Optional.empty();
            }
            values[i] = v.get();
        }
        long n = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 255) {
                return Optional.empty();
            }
            n |= values[i] << (8 * (3 - i));
        }
        long last = values[values.length - 1];
        if (last >= 1L << (8 * (5 - values.length))) {
            return Optional.empty();
        }
        n |= last;
        return Optional.of(new byte[]{(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
    }

    private static Optional<Long> number(String part) {
        try {
            if (part.startsWith("0x") || part.startsWith("0X")) {
                String hex = part.substring(2);
                return Optional.of(hex.isEmpty() ? 0L : Long.parseLong(hex, 16));
            }
            if (part.length() > 1 && part.startsWith("0")) {
                return Optional.of(Long.parseLong(part.substring(1), 8));
            }
            if (!part.isEmpty() && part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.of(Long.parseLong(part));
            }
        } catch (NumberFormatException tooLongOrNotANumber) {
            // 20 digits and more: no client reads that as an address either.
        }
        return Optional.empty();
    }

    private static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    private static InetAddress address(byte[] bytes) {
        return address(bytes, null);
    }

    private static InetAddress address(byte[] bytes, String name) {
        try {
            return InetAddress.getByAddress(name, bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are an address", e);
        }
    }

    /** A socket that "connects" without any network: the connect still passes Jazzer's hook in Socket. */
    private static final class OfflineSocket extends Socket {
        OfflineSocket() throws IOException {
            super(new OfflineSocketImpl());
        }
    }

    private static final class OfflineSocketImpl extends SocketImpl {
        @Override
        protected void create(boolean stream) {
        }

        @Override
        protected void connect(String host, int port) {
        }

        @Override
        protected void connect(InetAddress address, int port) {
        }

        @Override
        protected void connect(SocketAddress address, int timeout) {
        }

        @Override
        protected void bind(InetAddress host, int port) {
        }

        @Override
        protected void listen(int backlog) {
        }

        @Override
        protected void accept(SocketImpl s) {
        }

        @Override
        protected InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        protected OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        protected int available() {
            return 0;
        }

        @Override
        protected void close() {
        }

        @Override
        protected void sendUrgentData(int data) {
        }

        @Override
        public void setOption(int optID, Object value) {
        }

        @Override
        public Object getOption(int optID) {
            return null;
        }
    }
}
