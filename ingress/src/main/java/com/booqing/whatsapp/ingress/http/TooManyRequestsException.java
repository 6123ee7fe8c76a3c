package com.booqing.whatsapp.ingress.http;

import java.util.Map;

/** 429 with Retry-After: the caller sends faster than its limit; providers retry after the pause. */
public final class TooManyRequestsException extends ApiException {
    public static final int RETRY_AFTER_SECONDS = 1;

    public TooManyRequestsException(String message) {
        super(429, "rate_limited", message);
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
}
