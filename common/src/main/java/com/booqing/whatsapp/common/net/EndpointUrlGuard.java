package com.booqing.whatsapp.common.net;

import com.booqing.whatsapp.common.config.GatewayConfig;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Guards the provider URLs that tenants give us and that our services then call (server-side request forgery).
 * Two checks, because a host name says nothing about where it points until it is resolved:
 * <ul>
 *   <li>{@link #check(String)} when a URL is accepted (the management API): only {@code http}/{@code https}, a
 *       host, no user-info, no fragment; a host is a DNS name, a dotted-quad IPv4 address or a bracketed IPv6
 *       address, and an IP literal must not be loopback, private, link-local, unspecified, multicast, shared
 *       (100.64.0.0/10) or otherwise reserved. Numeric hosts in any other spelling (decimal {@code 2130706433},
 *       octal {@code 0177.0.0.1}, hex {@code 0x7f.1}, short {@code 127.1}) are refused outright: clients read
 *       them differently, which is what such tricks rely on. IPv6 forms that embed an IPv4 address (mapped,
 *       compatible, NAT64, 6to4, Teredo) are judged by that address. {@code localhost}, {@code *.localhost},
 *       {@code *.local}, {@code *.internal} and the cloud metadata names are refused as names.</li>
 *   <li>{@link #checkResolved(String, InetAddress...)} when a URL is about to be called (sender, health monitor,
 *       device manager): after DNS resolution, every address must pass the same range check. Callers should
 *       connect to the address they checked (or re-check on every connection) so that a DNS answer that changes
 *       in between (rebinding) does not get through, and must not follow redirects.</li>
 * </ul>
 * With {@code allowPrivate} (WHATSAPP_ALLOW_PRIVATE_ENDPOINTS=true, for local runs against the simulator) the
 * address ranges are allowed, except the cloud metadata service, which no WhatsApp provider ever lives at. The
 * syntax rules hold either way. Refusal messages never quote the URL.
 */
public final class EndpointUrlGuard {
    private static final Set<String> SCHEMES = Set.of("http", "https");
    /** RFC 1123 labels; underscores are refused, as java.net.URI refuses them in a host. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern DOTTED_QUAD = Pattern.compile(
            "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])(?:\\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])){3}");
    private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata.goog",
            "metadata", "instance-data", "instance-data.ec2.internal");
    private static final List<String> PRIVATE_NAME_SUFFIXES = List.of(".localhost", ".local", ".internal",
            ".home.arpa");

    private final boolean allowPrivate;

    public EndpointUrlGuard(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    public static EndpointUrlGuard from(GatewayConfig config) {
        return new EndpointUrlGuard(config.allowPrivateEndpoints());
    }

    public boolean allowsPrivate() {
        return allowPrivate;
    }

    /** Parses and checks a URL as given by a tenant. */
    public URI check(String url) {
        if (url == null || url.isBlank()) {
            throw new UnsafeUrlException("is required");
        }
        if (url.length() > 2048) {
            throw new UnsafeUrlException("is longer than 2048 characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new UnsafeUrlException("is not a valid URL");
        }
        return check(uri);
    }

    /** @return the URI, when it may be stored and later called */
    public URI check(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
            throw new UnsafeUrlException("must be an http or https URL");
        }
        if (uri.isOpaque()) {
            throw new UnsafeUrlException("must be an absolute http or https URL with a host");
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw new UnsafeUrlException("must not contain user info (credentials belong in the key fields)");
        }
        if (uri.getRawFragment() != null) {
            throw new UnsafeUrlException("must not contain a fragment");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            // java.net.URI leaves the host null when the authority is not a plain host name or address:
            // 2130706433, 0x7f.1, %31%32%37.0.0.1, names with '_'... Tell the numeric tricks apart for the message.
            String authorityHost = authorityHost(uri.getRawAuthority());
            if (authorityHost != null && endsInNumber(authorityHost)) {
                throw new UnsafeUrlException("has a numeric host that is not a dotted-quad IPv4 address");
            }
            throw new UnsafeUrlException("must have a valid host");
        }
        if (uri.getPort() == 0) {
            throw new UnsafeUrlException("must not use port 0");
        }
        if (uri.getPort() > 65535) {
            throw new UnsafeUrlException("must use a port from 1 to 65535");
        }
        checkHost(host);
        return uri;
    }

    /**
     * For callers about to connect: every address the host resolved to must be allowed.
     *
     * @throws UnsafeUrlException naming the kind of address (never the address itself)
     */
    public void checkResolved(String host, InetAddress... addresses) {
        if (addresses == null || addresses.length == 0) {
            throw new UnsafeUrlException("host did not resolve to any address");
        }
        for (InetAddress address : addresses) {
            forbidden(address).ifPresent(kind -> {
                throw new UnsafeUrlException("host resolves to a " + kind + " address");
            });
        }
    }

    /** Resolves the host and checks every address; connect to one of those returned. */
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        checkResolved(host, addresses);
        return addresses;
    }

    /** The kind of address this guard refuses, or empty when it may be called. */
    public Optional<String> forbidden(InetAddress address) {
        Optional<String> kind = rangeOf(address);
        if (kind.isEmpty()) {
            return kind;
        }
        if (allowPrivate && !kind.get().equals(METADATA)) {
            return Optional.empty();
        }
        return kind;
    }

    private void checkHost(String rawHost) {
        String host = rawHost.toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            if (!host.endsWith("]")) {
                throw new UnsafeUrlException("must have a valid host");
            }
            checkLiteral(ipv6Literal(host.substring(1, host.length() - 1)));
            return;
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (endsInNumber(host)) {
            if (!DOTTED_QUAD.matcher(host).matches()) {
                throw new UnsafeUrlException("has a numeric host that is not a dotted-quad IPv4 address");
            }
            checkLiteral(ipv4Literal(host));
            return;
        }
        if (!HOST_NAME.matcher(host).matches()) {
            throw new UnsafeUrlException("must have a valid host");
        }
        if (METADATA_NAMES.contains(host)) {
            throw new UnsafeUrlException("points at a cloud metadata service");
        }
        if (!allowPrivate && (host.equals("localhost") || PRIVATE_NAME_SUFFIXES.stream().anyMatch(host::endsWith))) {
            throw new UnsafeUrlException("points at a local or internal host name");
        }
    }

    private void checkLiteral(InetAddress address) {
        forbidden(address).ifPresent(kind -> {
            throw new UnsafeUrlException("points at a " + kind + " address");
        });
    }

    /** WHATWG's rule: a host whose last label starts with a digit is read as an IPv4 address by browsers. */
    private static boolean endsInNumber(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        int dot = h.lastIndexOf('.');
        String last = dot >= 0 ? h.substring(dot + 1) : h;
        return !last.isEmpty() && Character.isDigit(last.charAt(0));
    }

    private static String authorityHost(String authority) {
        if (authority == null) {
            return null;
        }
        String a = authority;
        int at = a.lastIndexOf('@');
        if (at >= 0) {
            a = a.substring(at + 1);
        }
        int colon = a.lastIndexOf(':');
        if (colon >= 0 && !a.startsWith("[")) {
            a = a.substring(0, colon);
        }
        return a.toLowerCase(Locale.ROOT);
    }

    private static InetAddress ipv4Literal(String dottedQuad) {
        String[] parts = dottedQuad.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) Integer.parseInt(parts[i]);
        }
        return byAddress(b);
    }

    /** Only hex digits, ':' and '.' (an embedded IPv4 tail) or a zone: never a DNS lookup. */
    private static InetAddress ipv6Literal(String text) {
        String literal = text;
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        if (literal.isEmpty() || !literal.matches("[0-9a-f:.]+") || !literal.contains(":")) {
            throw new UnsafeUrlException("must have a valid host");
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new UnsafeUrlException("must have a valid host");
        }
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    // --- address ranges ---

    static final String METADATA = "cloud metadata";

    /** Which special-purpose range the address is in (IANA registries), or empty for a public address. */
    static Optional<String> rangeOf(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4Range(b);
        }
        if (address instanceof Inet6Address) {
            return ipv6Range(b);
        }
        return Optional.of("unknown");
    }

    private static Optional<String> ipv4Range(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        int a3 = b[3] & 0xff;
        if (a0 == 169 && a1 == 254 && a2 == 169 && a3 == 254) {
            return Optional.of(METADATA);
        }
        if (a0 == 0) {
            return Optional.of("unspecified");
        }
        if (a0 == 127) {
            return Optional.of("loopback");
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return Optional.of("private");
        }
        if (a0 == 169 && a1 == 254) {
            return Optional.of("link-local");
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return Optional.of("shared (carrier-grade NAT)");
        }
        if (a0 >= 224 && a0 <= 239) {
            return Optional.of("multicast");
        }
        if (a0 >= 240) {
            return Optional.of("reserved");
        }
        if ((a0 == 192 && a1 == 0 && a2 == 0) || (a0 == 198 && (a1 & 0xfe) == 18)) {
            return Optional.of("reserved");
        }
        if ((a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100)
                || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return Optional.of("documentation");
        }
        return Optional.empty();
    }

    private static Optional<String> ipv6Range(byte[] b) {
        // fd00:ec2::254, the AWS metadata service over IPv6 (also inside fc00::/7, but named for allowPrivate).
        if (b[0] == (byte) 0xfd && b[1] == 0 && b[2] == 0x0e && b[3] == (byte) 0xc2 && zero(b, 4, 14)
                && b[14] == 0x02 && b[15] == 0x54) {
            return Optional.of(METADATA);
        }
        if (zero(b, 0, 10)) {
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            if (mapped) {
                return ipv4Range(slice(b, 12));
            }
            if (zero(b, 10, 12)) {
                if (zero(b, 12, 15) && (b[15] == 0 || b[15] == 1)) {
                    return Optional.of(b[15] == 0 ? "unspecified" : "loopback");
                }
                return ipv4Range(slice(b, 12)).or(() -> Optional.of("reserved")); // IPv4-compatible, deprecated
            }
        }
        int first = b[0] & 0xff;
        if (first == 0xff) {
            return Optional.of("multicast");
        }
        if ((first & 0xfe) == 0xfc) {
            return Optional.of("private");
        }
        if (first == 0xfe && (b[1] & 0xc0) == 0x80) {
            return Optional.of("link-local");
        }
        if (first == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return Optional.of("private"); // site-local, deprecated
        }
        // 64:ff9b::/96 NAT64 and 64:ff9b:1::/48 local-use NAT64: judged by the embedded IPv4 address.
        if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
            if (zero(b, 4, 12)) {
                return ipv4Range(slice(b, 12));
            }
            return Optional.of("private");
        }
        // 2002::/16 6to4: the IPv4 address is in bytes 2-5.
        if (b[0] == 0x20 && b[1] == 0x02) {
            return ipv4Range(new byte[]{b[2], b[3], b[4], b[5]});
        }
        // 2001::/32 Teredo: the client's IPv4 address is the complement of the last four bytes.
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
            return ipv4Range(new byte[]{(byte) ~b[12], (byte) ~b[13], (byte) ~b[14], (byte) ~b[15]})
                    .or(() -> Optional.of("reserved"));
        }
        // 2001:db8::/32 and 3fff::/20 documentation, 2001:2::/48 benchmarking, 5f00::/16 SRv6 segment ids,
        // 100::/64 discard-only and 100:0:0:1::/64 dummy prefix (IANA: none is globally reachable).
        if ((b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == (byte) 0xb8)
                || (b[0] == 0x3f && b[1] == (byte) 0xff && (b[2] & 0xf0) == 0)
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0x02 && b[4] == 0 && b[5] == 0)
                || (b[0] == 0x5f && b[1] == 0)
                || (b[0] == 0x01 && b[1] == 0 && zero(b, 2, 7) && (b[7] & 0xfe) == 0)) {
            return Optional.of("reserved");
        }
        return Optional.empty();
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] b, int from) {
        byte[] out = new byte[b.length - from];
        System.arraycopy(b, from, out, 0, out.length);
        return out;
    }

    /** A URL that may not be stored or called. The message completes "the URL ..." and never quotes it. */
    public static final class UnsafeUrlException extends IllegalArgumentException {
        public UnsafeUrlException(String reason) {
            super(reason);
        }
    }
}
