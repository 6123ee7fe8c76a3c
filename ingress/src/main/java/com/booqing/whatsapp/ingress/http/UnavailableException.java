package com.booqing.whatsapp.ingress.http;

import java.util.Map;

/**
 * A transient fault (the broker did not acknowledge, the endpoint directory is still loading): 503 with
 * Retry-After, so providers and callers retry rather than give up as they would on a 4xx.
 */
public final class UnavailableException extends ApiException {
    public static final int RETRY_AFTER_SECONDS = 5;

    public UnavailableException(String message) {
        super(503, "unavailable", message);
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
}
