package com.booqing.whatsapp.simulator.provider;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A webhook ready to post: the exact bytes (signatures cover them) and the headers, signature included.
 *
 * @param messageId the provider message id the webhook is about
 * @param kind      short label for logs and stats, e.g. "message" or "status:read"
 */
public record OutboundWebhook(String messageId, String kind, byte[] body, Map<String, String> headers) {

    public OutboundWebhook {
        body = body.clone();
        headers = Map.copyOf(headers);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
