package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.sender.BoundedMemo;

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
 * {@link #resolve(String)} repeats the check when the call's connection is made, and the connection goes to an
 * address it checked ({@link ProviderClient}), so a DNS answer that changes between the checks and the connect
 * (rebinding) is not followed.
 */
public final class EndpointAddressCheck {
    /** Host name to addresses; {@link InetAddress#getAllByName} in production. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final int MAX_HOST_IN_REASON = 100;

    /** The verdict on each URL as written depends on nothing else, and parsing it was most of a check's cost. */
    private static final int MAX_URLS_KEPT = 10_000;

    private final EndpointUrlGuard guard;
    private final Resolver resolver;
    /** URL as written -> its URI, or its refusal. */
    private final BoundedMemo<String, Object> written = new BoundedMemo<>(MAX_URLS_KEPT);

    public EndpointAddressCheck(EndpointUrlGuard guard, Resolver resolver) {
        this.guard = guard;
        this.resolver = resolver;
    }

    /** WHATSAPP_ALLOW_PRIVATE_ENDPOINTS decides whether private and loopback addresses may be called. */
    public static EndpointAddressCheck from(GatewayConfig config) {
        return new EndpointAddressCheck(EndpointUrlGuard.from(config), InetAddress::getAllByName);
    }

    /** A host's addresses, all allowed, or why they may not be connected to. */
    public sealed interface Resolution {
    }

    public record Allowed(InetAddress[] addresses) implements Resolution {
    }

    public record Refused(SendOutcome.Failed outcome) implements Resolution {
    }

    /**
     * The lookup a connection makes ({@link ProviderClient}): every address must pass the guard, and the socket then
     * connects to one of them, so nothing resolves the name again in between.
     *
     * @throws UnknownHostException when the host does not resolve
     */
    public Resolution resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = resolver.resolve(host);
        try {
            guard.checkResolved(host, addresses);
        } catch (EndpointUrlGuard.UnsafeUrlException e) {
            return new Refused(refused(e, host));
        }
        return new Allowed(addresses);
    }

    /** @return the refusal, or empty when the endpoint may be called */
    public Optional<SendOutcome.Failed> refusal(Endpoint endpoint) {
        Object checked = endpoint.apiUrl() == null ? checkWritten(null)
                : written.get(endpoint.apiUrl(), this::checkWritten);
        if (checked instanceof SendOutcome.Failed refusal) {
            return Optional.of(refusal);
        }
        URI uri = (URI) checked;
        try {
            return resolve(uri.getHost()) instanceof Refused r ? Optional.of(r.outcome()) : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** @return the URL as a URI, or the refusal */
    private Object checkWritten(String url) {
        try {
            return guard.check(url);
        } catch (EndpointUrlGuard.UnsafeUrlException e) {
            return refused(e, hostOf(url));
        }
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
