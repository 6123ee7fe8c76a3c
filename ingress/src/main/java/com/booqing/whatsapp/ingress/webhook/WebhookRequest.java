package com.booqing.whatsapp.ingress.webhook;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A webhook as received: the path's tenant and endpoint, the headers (names lower-cased) and the raw body bytes,
 * which are what providers sign.
 */
public record WebhookRequest(String tenantId, String endpointId, Map<String, String> headers, byte[] body) {

    public WebhookRequest {
        headers = headers.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue,
                        (a, b) -> a));
    }

    /** The header's value, or null; names are case-insensitive. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
