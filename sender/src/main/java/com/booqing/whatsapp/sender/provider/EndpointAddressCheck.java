package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.net.AddressPinning;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Endpoint URLs come from tenants, so before every provider call the URL passes the {@link EndpointUrlGuard}
 * (server-side request forgery): the URL as written, then every address its host resolves to. A refusal is
 * {@value ProviderCodes#ENDPOINT_URL_REFUSED}: certainly not sent, not retried on that endpoint. A host that does
 * not resolve is not refused here; the call itself then fails as {@code dns_failure}, as it always has.
 * <p>
 * {@link #route(URI)} repeats the check right before the request leaves and pins the connection to the address it
 * checked ({@link AddressPinning}), so a DNS answer that changes between check and connect (rebinding) is not
 * followed.
 */
public final class EndpointAddressCheck {
    /** Host name to addresses; {@link InetAddress#getAllByName} in production. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final int MAX_HOST_IN_REASON = 100;

    private final EndpointUrlGuard guard;
    private final Resolver resolver;
    private final AddressPinning pinning;

    public EndpointAddressCheck(EndpointUrlGuard guard, Resolver resolver) {
        this(guard, resolver, AddressPinning.detect());
    }

    public EndpointAddressCheck(EndpointUrlGuard guard, Resolver resolver, AddressPinning pinning) {
        this.guard = guard;
        this.resolver = resolver;
        this.pinning = pinning;
    }

    /** WHATSAPP_ALLOW_PRIVATE_ENDPOINTS decides whether private and loopback addresses may be called. */
    public static EndpointAddressCheck from(GatewayConfig config) {
        return new EndpointAddressCheck(EndpointUrlGuard.from(config), InetAddress::getAllByName);
    }

    public boolean pins() {
        return pinning.active();
    }

    /** What to do with a request about to leave: call this URI (with this Host), or refuse. */
    public sealed interface Route {
    }

    public record Call(AddressPinning.Pinned target) implements Route {
    }

    public record Refused(SendOutcome.Failed outcome) implements Route {
    }

    /**
     * The last check before a request leaves: resolves the host once, checks every address, and returns the URI
     * that connects to the first of them. A host that does not resolve is called as it is and fails as
     * {@code dns_failure}.
     */
    public Route route(URI uri) {
        try {
            guard.check(uri);
        } catch (EndpointUrlGuard.UnsafeUrlException e) {
            return new Refused(refused(e, uri.getHost()));
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(uri.getHost());
        } catch (UnknownHostException e) {
            return new Call(new AddressPinning.Pinned(uri, Optional.empty()));
        }
        try {
            guard.checkResolved(uri.getHost(), addresses);
        } catch (EndpointUrlGuard.UnsafeUrlException e) {
            return new Refused(refused(e, uri.getHost()));
        }
        return new Call(pinning.pin(uri, addresses[0]));
    }

    /** @return the refusal, or empty when the endpoint may be called */
    public Optional<SendOutcome.Failed> refusal(Endpoint endpoint) {
        URI uri;
        try {
            uri = guard.check(endpoint.apiUrl());
        } catch (EndpointUrlGuard.UnsafeUrlException e) {
            return Optional.of(refused(e, hostOf(endpoint.apiUrl())));
        }
        String host = uri.getHost();
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        try {
            guard.checkResolved(host, addresses);
        } catch (EndpointUrlGuard.UnsafeUrlException e) {
            return Optional.of(refused(e, host));
        }
        return Optional.empty();
    }

    private static String hostOf(String url) {
        try {
            return url == null ? null : new URI(url.trim()).getHost();
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static SendOutcome.Failed refused(EndpointUrlGuard.UnsafeUrlException e, String host) {
        // The guard's message completes "the URL ..." and never quotes it; the host is all of the URL we name.
        String where = host == null ? "" : " (host " + ProviderHttp.brief(host, MAX_HOST_IN_REASON) + ")";
        return SendOutcome.Failed.endpointRejected(ProviderCodes.ENDPOINT_URL_REFUSED,
                "the endpoint URL " + e.getMessage() + where);
    }
}
