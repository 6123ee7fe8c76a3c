package com.booqing.whatsapp.sender.endpoint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket that hands out reservations: {@link #reserve()} takes a token now, possibly one not yet refilled,
 * and says how long the caller must wait before using it. Callers therefore queue in arrival order and the rate
 * holds over any window: at most {@code capacity + rate * seconds} calls in {@code seconds}. Time comes from the
 * injected clock, so tests step it.
 */
public final class TokenBucket {
    private static final long NANOS = 1_000_000_000L;

    private final double ratePerSecond;
    private final double capacity;
    private final Clock clock;
    private double tokens;
    private Instant last;

    /** @param capacity the burst allowed after a quiet period; at least 1 */
    public TokenBucket(double ratePerSecond, double capacity, Clock clock) {
        if (ratePerSecond <= 0 || capacity < 1) {
            throw new IllegalArgumentException("rate must be > 0 and capacity >= 1");
        }
        this.ratePerSecond = ratePerSecond;
        this.capacity = capacity;
        this.clock = clock;
        this.tokens = capacity;
        this.last = clock.instant();
    }

    /** Takes one token; @return how long to wait before the call it pays for may be made (zero = now) */
    public synchronized Duration reserve() {
        refill();
        tokens -= 1;
        if (tokens >= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil(-tokens / ratePerSecond * NANOS));
    }

    /** Gives back a reservation whose call was never made. */
    public synchronized void cancel() {
        refill();
        tokens = Math.min(capacity, tokens + 1);
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }

    private void refill() {
        Instant now = clock.instant();
        if (now.isAfter(last)) {
            Duration elapsed = Duration.between(last, now);
            double seconds = elapsed.getSeconds() + elapsed.getNano() / (double) NANOS;
            tokens = Math.min(capacity, tokens + seconds * ratePerSecond);
            last = now;
        }
    }
}
