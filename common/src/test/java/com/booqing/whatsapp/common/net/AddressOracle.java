package com.booqing.whatsapp.common.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What {@link EndpointUrlGuard} should decide about an address, written from the IANA special-purpose address
 * registries rather than from the guard's code: a table of prefixes, cross-checked against the JDK's own
 * {@link InetAddress} predicates. Used by {@link EndpointUrlGuardFuzzTest} as the independent oracle.
 *
 * <p>Where the guard is deliberately stricter than "not globally reachable", the table says so: every IPv4-
 * compatible address (::/96) and every Teredo address (2001::/32) is internal, and 64:ff9b::/32 outside the
 * well-known NAT64 /96 is internal. Translation prefixes that carry a public IPv4 address (NAT64 /96, 6to4) are
 * judged by that address.
 */
final class AddressOracle {

    enum Verdict {
        PUBLIC, INTERNAL, METADATA
    }

    private static final byte[] METADATA_V4 = {(byte) 169, (byte) 254, (byte) 169, (byte) 254};
    private static final byte[] METADATA_V6 = literal("fd00:ec2::254").getAddress();

    /** IANA IPv4 Special-Purpose Address Registry, entries not globally reachable, plus 255.255.255.255. */
    private static final List<Prefix> INTERNAL_V4 = prefixes(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4");

    /** IANA IPv6 Special-Purpose Address Registry, entries not globally reachable (and multicast, site-local). */
    private static final List<Prefix> INTERNAL_V6 = prefixes(
            "::/96",            // unspecified, loopback and the deprecated IPv4-compatible addresses
            "100::/64",         // discard-only
            "100:0:0:1::/64",   // dummy prefix (RFC 9780)
            "2001::/32",        // Teredo: refused whatever it embeds
            "2001:2::/48",      // benchmarking
            "2001:db8::/32",    // documentation
            "3fff::/20",        // documentation (RFC 9637)
            "5f00::/16",        // SRv6 SIDs (RFC 9602)
            "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8");

    private static final Prefix NAT64 = Prefix.parse("64:ff9b::/96");
    private static final Prefix NAT64_OTHER = Prefix.parse("64:ff9b::/32");
    private static final Prefix SIX_TO_FOUR = Prefix.parse("2002::/16");
    private static final Prefix TEREDO = Prefix.parse("2001::/32");
    private static final Prefix COMPATIBLE = Prefix.parse("::/96");

    private AddressOracle() {
    }

    static Verdict of(InetAddress address) {
        byte[] b = address.getAddress();
        Verdict verdict = address instanceof Inet4Address ? v4(b) : v6(b);
        // The table must at least cover what the JDK itself knows to be local.
        if (verdict == Verdict.PUBLIC && (address.isAnyLocalAddress() || address.isLoopbackAddress()
                || address.isLinkLocalAddress() || address.isSiteLocalAddress() || address.isMulticastAddress())) {
            throw new IllegalStateException("oracle table misses a JDK-local address " + address.getHostAddress());
        }
        return verdict;
    }

    private static Verdict v4(byte[] b) {
        if (Arrays.equals(b, METADATA_V4)) {
            return Verdict.METADATA;
        }
        return INTERNAL_V4.stream().anyMatch(p -> p.contains(b)) ? Verdict.INTERNAL : Verdict.PUBLIC;
    }

    private static Verdict v6(byte[] b) {
        if (Arrays.equals(b, METADATA_V6)) {
            return Verdict.METADATA;
        }
        Optional<byte[]> embedded = embeddedV4(b);
        if (embedded.isPresent()) {
            Verdict inner = v4(embedded.get());
            if (inner == Verdict.METADATA) {
                return inner;
            }
            if (NAT64.contains(b) || SIX_TO_FOUR.contains(b)) {
                return inner;
            }
        }
        if (NAT64_OTHER.contains(b)) {
            return Verdict.INTERNAL;
        }
        return INTERNAL_V6.stream().anyMatch(p -> p.contains(b)) ? Verdict.INTERNAL : Verdict.PUBLIC;
    }

    /** The IPv4 address an IPv6 translation or tunnelling form carries, if it is one. */
    private static Optional<byte[]> embeddedV4(byte[] b) {
        if (NAT64.contains(b) || COMPATIBLE.contains(b)) {
            return Optional.of(Arrays.copyOfRange(b, 12, 16));
        }
        if (SIX_TO_FOUR.contains(b)) {
            return Optional.of(Arrays.copyOfRange(b, 2, 6));
        }
        if (TEREDO.contains(b)) {
            byte[] client = Arrays.copyOfRange(b, 12, 16);
            for (int i = 0; i < client.length; i++) {
                client[i] = (byte) ~client[i];
            }
            return Optional.of(client);
        }
        return Optional.empty();
    }

    /** Parses an IP literal without DNS: the text must start like one, which is what keeps getByName local. */
    static InetAddress literal(String text) {
        if (text.isEmpty() || !(Character.digit(text.charAt(0), 16) >= 0 || text.charAt(0) == ':')) {
            throw new IllegalArgumentException("not an IP literal");
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal", e);
        }
    }

    private static List<Prefix> prefixes(String... cidrs) {
        return Arrays.stream(cidrs).map(Prefix::parse).toList();
    }

    private record Prefix(byte[] network, int bits) {
        static Prefix parse(String cidr) {
            int slash = cidr.indexOf('/');
            InetAddress address = literal(cidr.substring(0, slash));
            byte[] network = address instanceof Inet6Address || cidr.contains(":")
                    ? v6Bytes(cidr.substring(0, slash)) : address.getAddress();
            return new Prefix(network, Integer.parseInt(cidr.substring(slash + 1)));
        }

        /** Java turns ::ffff:a.b.c.d into an Inet4Address; a prefix needs the 16 bytes as written. */
        private static byte[] v6Bytes(String text) {
            InetAddress address = literal(text);
            if (address instanceof Inet6Address) {
                return address.getAddress();
            }
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
            return mapped;
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
