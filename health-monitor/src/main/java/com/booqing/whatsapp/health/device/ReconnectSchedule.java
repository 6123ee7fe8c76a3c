package com.booqing.whatsapp.health.device;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The reconnect attempts after one drop of a device, with exponential backoff: attempt n comes
 * {@code firstDelay × 2^(n-1)} after the previous step (the drop for the first one), each delay at most
 * {@link #MAX_DELAY}. After {@code maxAttempts} attempts without the device coming back, the next step gives up
 * (one more delay later, so the last attempt has its chance). Pure: time comes from the injected clock, so tests
 * step it. A schedule can be {@link #resume resumed} where another instance left it (attempts made, next step's
 * time), so a takeover neither starts the count again nor shortens the backoff.
 */
public final class ReconnectSchedule {
    public static final Duration MAX_DELAY = Duration.ofHours(1);

    /** What to do now. */
    public sealed interface Step {
        /** Nothing yet; the next step is due at {@code until}. */
        record Wait(Instant until) implements Step {
        }

        /** Make attempt {@code n} of {@code of} now. */
        record Attempt(int n, int of) implements Step {
        }

        /** Stop: {@code attempts} attempts were made and none brought the device back. */
        record GiveUp(int attempts) implements Step {
        }
    }

    private final Duration firstDelay;
    private final int maxAttempts;
    private final Clock clock;
    private int attempts;
    private Instant nextAt;
    private boolean gaveUp;

    public ReconnectSchedule(Duration firstDelay, int maxAttempts, Clock clock) {
        this(firstDelay, maxAttempts, 0,
                maxAttempts == 0 ? clock.instant() : clock.instant().plus(delayBefore(1, firstDelay)), clock);
    }

    private ReconnectSchedule(Duration firstDelay, int maxAttempts, int attempts, Instant nextAt, Clock clock) {
        if (firstDelay.isNegative() || firstDelay.isZero()) {
            throw new IllegalArgumentException("firstDelay must be positive");
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must not be negative");
        }
        if (attempts < 0 || attempts > maxAttempts) {
            throw new IllegalArgumentException("attempts must be 0.." + maxAttempts);
        }
        this.firstDelay = firstDelay;
        this.maxAttempts = maxAttempts;
        this.attempts = attempts;
        this.nextAt = nextAt;
        this.clock = clock;
    }

    /**
     * Carries on after {@code attempts} attempts, the next step due at {@code nextAt} (at once if that has passed);
     * the delays after it double on from where they were.
     */
    public static ReconnectSchedule resume(Duration firstDelay, int maxAttempts, int attempts, Instant nextAt,
                                           Clock clock) {
        return new ReconnectSchedule(firstDelay, maxAttempts, Math.min(Math.max(0, attempts), maxAttempts), nextAt,
                clock);
    }

    /** The delay before attempt {@code n} (1-based): firstDelay doubled n-1 times, at most {@link #MAX_DELAY}. */
    public static Duration delayBefore(int n, Duration firstDelay) {
        Duration d = firstDelay;
        for (int i = 1; i < n && d.compareTo(MAX_DELAY) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }

    public Step poll() {
        if (gaveUp) {
            return new Step.GiveUp(attempts);
        }
        Instant now = clock.instant();
        if (now.isBefore(nextAt)) {
            return new Step.Wait(nextAt);
        }
        if (attempts < maxAttempts) {
            attempts++;
            nextAt = now.plus(delayBefore(attempts + 1, firstDelay));
            return new Step.Attempt(attempts, maxAttempts);
        }
        gaveUp = true;
        return new Step.GiveUp(attempts);
    }

    public int attempts() {
        return attempts;
    }

    /** When the next step (an attempt, or giving up) is due. */
    public Instant nextAt() {
        return nextAt;
    }

    public int maxAttempts() {
        return maxAttempts;
    }
}
