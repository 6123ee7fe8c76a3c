package com.booqing.whatsapp.ingress.http;

import java.util.Map;

/** 429 with Retry-After: the caller sends faster than its limit; providers retry after the pause. */
public final class TooManyRequestsException extends ApiException {
    public static final int RETRY_AFTER_SECONDS = 1;
    private final long retryAfterSeconds;

    public TooManyRequestsException(String message) {
        this("rate_limited", message, RETRY_AFTER_SECONDS);
    }

    public TooManyRequestsException(String code, String message, long retryAfterSeconds) {
        super(429, code, message);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    @Override
    public Map<String, String> headers() {
        return Map.of("Retry-After", Long.toString(retryAfterSeconds));
    }
}
