package com.booqing.whatsapp.ingress.webhook;

/**
 * A token bucket: holds up to {@code burst} tokens, refills at {@code ratePerSecond}, and each request takes one.
 * Time is whatever monotonic nanosecond reading the caller passes. Not thread-safe: {@link WebhookRateLimiter}
 * serialises access.
 */
final class TokenBucket {
    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private final double capacity;
    private final double tokensPerNano;
    private double tokens;
    private long lastRefill;

    TokenBucket(int ratePerSecond, int burst, long nowNanos) {
        if (ratePerSecond <= 0 || burst <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.capacity = burst;
        this.tokensPerNano = ratePerSecond / NANOS_PER_SECOND;
        this.tokens = burst;
        this.lastRefill = nowNanos;
    }

    /** Takes a token if there is one. */
    boolean tryTake(long nowNanos) {
        long elapsed = nowNanos - lastRefill;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
            lastRefill = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
