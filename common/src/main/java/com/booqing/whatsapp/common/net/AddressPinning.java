package com.booqing.whatsapp.common.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.util.Locale;
import java.util.Optional;

/**
 * Closes the DNS-rebinding window between "the host resolves to an allowed address" and "the HTTP client connects":
 * the JDK client (Java 17 has no pluggable resolver) looks the name up again when it connects, and a hostile DNS
 * server can answer differently the second time (public address for the check, 169.254.169.254 for the call).
 * <p>
 * For {@code http} the request goes to the address that was checked, written into the URI, with the original
 * {@code Host} header, so nothing is resolved again. For {@code https} the URI keeps its name: the TLS handshake
 * verifies the server's certificate against that name, so a connection that a changed answer sent elsewhere fails
 * the handshake instead of talking to an internal service (which holds no certificate for the tenant's name).
 * <p>
 * Setting {@code Host} needs {@code jdk.httpclient.allowRestrictedHeaders=host}, which the JDK reads once, when its
 * HTTP client classes load: services call {@link #allowHostHeader()} first thing in {@code main}. Where it could not
 * take effect, {@link #pin} leaves the URI as it is (the guard's check before the call still holds, the window stays
 * open) and {@link #active()} says so, for the service to log at start.
 */
public final class AddressPinning {
    static final String PROPERTY = "jdk.httpclient.allowRestrictedHeaders";

    private final boolean active;

    private AddressPinning(boolean active) {
        this.active = active;
    }

    /** Adds {@code host} to the JDK's allowed restricted headers; effective only before its HTTP classes load. */
    public static void allowHostHeader() {
        String current = System.getProperty(PROPERTY, "");
        for (String h : current.split(",")) {
            if (h.trim().equalsIgnoreCase("host")) {
                return;
            }
        }
        System.setProperty(PROPERTY, current.isBlank() ? "host" : current + ",host");
    }

    /** Pins when this JVM lets requests carry a {@code Host} header, and tells whether it does. */
    public static AddressPinning detect() {
        try {
            HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header("Host", "pinning.check");
            return new AddressPinning(true);
        } catch (IllegalArgumentException e) {
            return new AddressPinning(false);
        }
    }

    /** Never pins: for tests of behaviour that does not depend on it. */
    public static AddressPinning off() {
        return new AddressPinning(false);
    }

    public boolean active() {
        return active;
    }

    /** Where to connect and what {@code Host} to send; the header is empty when the URI is used as it is. */
    public record Pinned(URI uri, Optional<String> hostHeader) {
    }

    /**
     * @param address one of the addresses the host resolved to, already checked by {@link EndpointUrlGuard}
     */
    public Pinned pin(URI uri, InetAddress address) {
        if (!active || address == null || !"http".equals(lower(uri.getScheme())) || uri.getHost() == null) {
            return new Pinned(uri, Optional.empty());
        }
        String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        try {
            URI pinned = new URI("http://" + literal(address) + port + path + query);
            return new Pinned(pinned, Optional.of(uri.getHost() + port));
        } catch (URISyntaxException e) {
            // The parts come from a URI that parsed; should it still fail, calling by name is the old behaviour.
            return new Pinned(uri, Optional.empty());
        }
    }

    private static String literal(InetAddress address) {
        String text = address.getHostAddress();
        if (address instanceof Inet6Address) {
            int scope = text.indexOf('%');
            return "[" + (scope < 0 ? text : text.substring(0, scope)) + "]";
        }
        return text;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
