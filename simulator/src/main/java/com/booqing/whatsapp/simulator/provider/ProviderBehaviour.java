package com.booqing.whatsapp.simulator.provider;

import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.Receipt;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * How one provider (Cloud API, WAHA, Evolution API) looks on the wire. The endpoint server around it owns what every
 * provider shares: its own loopback listener, request recording, faults, webhook delivery with retries and the
 * receipt schedule after a send. An implementation holds the endpoint's settings, secrets and session state.
 */
public interface ProviderBehaviour {

    /** Wire name used in the admin API, e.g. "cloud-api". */
    String provider();

    /** Called once, before the first {@link #routes}, with what the endpoint server lends the provider. */
    default void attach(ProviderContext context) {
    }

    /**
     * Registers the provider's HTTP API. Called each time the endpoint's listener (re)starts.
     * Handlers report every accepted send to {@code sends} so receipts can follow.
     */
    void routes(JavalinDefaultRoutingApi routes, SendListener sends);

    /** The provider's answer to a request hit by a {@link Fault.Mode#FAIL} or {@link Fault.Mode#RATE_LIMIT} fault. */
    ProviderReply faultReply(Fault fault);

    /**
     * A webhook announcing a text message a WhatsApp user sent to this endpoint's number.
     *
     * @throws IllegalStateException when the provider cannot announce it (not subscribed, no LIDs...)
     */
    OutboundWebhook inboundText(InboundText message);

    /** A webhook reporting a delivery state of a message sent through this endpoint, or null when not subscribed. */
    OutboundWebhook receipt(SentMessage message, Receipt receipt, Instant at);

    /** The recipient id as this provider writes it, from digits or a provider id given by a test. */
    default String recipientId(String given) {
        return given;
    }

    /** The linked-device session, for providers that have one. */
    default Optional<Pairing> pairing() {
        return Optional.empty();
    }

    /** Non-secret settings and state for the admin API. */
    Map<String, Object> describe();

    /** Stops the provider's timers; the endpoint is going away. */
    default void close() {
    }
}
