package com.booqing.whatsapp.sender.delivery;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with full jitter: before retry n (1, 2, ...) wait a uniformly random time in
 * {@code [0, min(max, base * 2^(n-1))]}. Full jitter spreads the retries of many senders hit by the same outage.
 * A provider's Retry-After is a floor: never retry sooner than it asked.
 */
public final class Backoff {
    private final Duration base;
    private final Duration max;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1); injected so tests get fixed delays */
    public Backoff(Duration base, Duration max, DoubleSupplier random) {
        this.base = Objects.requireNonNull(base, "base");
        this.max = Objects.requireNonNull(max, "max");
        this.random = random;
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= max");
        }
    }

    /** @param retryAfter the provider's Retry-After, or null */
    public Duration delay(int retry, Duration retryAfter) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1");
        }
        Duration ceiling = ceiling(retry);
        Duration jittered = Duration.ofNanos((long) (ceiling.toNanos() * random.getAsDouble()));
        return retryAfter != null && retryAfter.compareTo(jittered) > 0 ? retryAfter : jittered;
    }

    /** The upper bound of the jittered wait before retry n. */
    public Duration ceiling(int retry) {
        int shift = Math.min(retry - 1, 30);
        long nanos = base.toNanos();
        long capped = nanos > max.toNanos() >> shift ? max.toNanos() : nanos << shift;
        return Duration.ofNanos(Math.min(capped, max.toNanos()));
    }

    public Duration max() {
        return max;
    }
}
