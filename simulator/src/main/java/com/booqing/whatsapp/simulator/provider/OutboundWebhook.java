package com.booqing.whatsapp.simulator.provider;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * A webhook ready to post: the exact bytes (signatures cover them) and the headers, signature included.
 *
 * @param messageId     the provider message id (or session / instance name) the webhook is about
 * @param kind          short label for logs and stats, e.g. "message" or "status:read"
 * @param pathSuffix    appended to the endpoint's webhook URL ("" for most; Evolution's byEvents adds "/messages-upsert")
 * @param finalStatuses HTTP statuses after which the provider stops retrying (Evolution: 400, 401, 403, 404, 422)
 */
public record OutboundWebhook(String messageId, String kind, byte[] body, Map<String, String> headers,
                              String pathSuffix, Set<Integer> finalStatuses) {

    public OutboundWebhook {
        body = body.clone();
        headers = Map.copyOf(headers);
        pathSuffix = pathSuffix == null ? "" : pathSuffix;
        finalStatuses = finalStatuses == null ? Set.of() : Set.copyOf(finalStatuses);
    }

    public OutboundWebhook(String messageId, String kind, byte[] body, Map<String, String> headers) {
        this(messageId, kind, body, headers, "", Set.of());
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
