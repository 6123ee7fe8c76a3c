package com.booqing.whatsapp.simulator.provider;

import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.Receipt;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.time.Instant;
import java.util.Map;

/**
 * How one provider (Cloud API today; WAHA and Evolution API later) looks on the wire. The endpoint server around it
 * owns what every provider shares: its own loopback listener, request recording, faults, webhook delivery with
 * retries and the receipt schedule after a send. An implementation holds the endpoint's settings and secrets.
 */
public interface ProviderBehaviour {

    /** Wire name used in the admin API, e.g. "cloud-api". */
    String provider();

    /**
     * Registers the provider's HTTP API. Called each time the endpoint's listener (re)starts.
     * Handlers report every accepted send to {@code sends} so receipts can follow.
     */
    void routes(JavalinDefaultRoutingApi routes, SendListener sends);

    /** The provider's answer to a request hit by a {@link Fault.Mode#FAIL} or {@link Fault.Mode#RATE_LIMIT} fault. */
    ProviderReply faultReply(Fault fault);

    /** A webhook announcing a text message a WhatsApp user sent to this endpoint's number. */
    OutboundWebhook inboundText(InboundText message);

    /** A webhook reporting a delivery state of a message sent through this endpoint. */
    OutboundWebhook receipt(SentMessage message, Receipt receipt, Instant at);

    /** Non-secret settings for the admin API. */
    Map<String, Object> describe();
}
