package com.booqing.whatsapp.simulator;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A misbehaviour injected into one simulated endpoint.
 *
 * @param mode       what goes wrong
 * @param status     HTTP status answered in {@link Mode#FAIL} mode
 * @param delay      how long every answer is held back in {@link Mode#SLOW} mode
 * @param retryAfter the Retry-After advertised in {@link Mode#RATE_LIMIT} mode
 * @param times      how many requests the fault affects before the endpoint heals by itself; 0 = until changed
 */
public record Fault(Mode mode, int status, Duration delay, Duration retryAfter, int times) {

    public enum Mode {
        NONE("none"), FAIL("fail"), SLOW("slow"), RATE_LIMIT("rate-limit"), DARK("dark");

        private final String wireName;

        Mode(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Mode fromWire(String name) {
            String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
            for (Mode mode : values()) {
                if (mode.wireName.equals(wanted)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("mode must be one of none, fail, slow, rate-limit, dark; got '" + name + "'");
        }
    }

    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    public Fault {
        Objects.requireNonNull(mode, "mode");
        delay = delay == null ? Duration.ZERO : delay;
        retryAfter = retryAfter == null ? DEFAULT_RETRY_AFTER : retryAfter;
        if (mode == Mode.FAIL && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("fail status must be 400..599, got " + status);
        }
        if (delay.isNegative() || retryAfter.isNegative()) {
            throw new IllegalArgumentException("delay and retryAfter must not be negative");
        }
        if (times < 0) {
            throw new IllegalArgumentException("times must be >= 0 (0 = until changed), got " + times);
        }
        if (mode == Mode.DARK && times != 0) {
            // A dark endpoint receives no requests, so there is nothing to count down.
            throw new IllegalArgumentException("a dark fault lasts until changed; times is not supported");
        }
    }

    public static Fault none() {
        return new Fault(Mode.NONE, 0, Duration.ZERO, DEFAULT_RETRY_AFTER, 0);
    }

    /** Every request is answered with {@code status} and the provider's error body (Cloud API: code 131000/131016). */
    public static Fault fail(int status) {
        return new Fault(Mode.FAIL, status, Duration.ZERO, DEFAULT_RETRY_AFTER, 0);
    }

    /** Every request is processed normally but answered only after {@code delay}. */
    public static Fault slow(Duration delay) {
        return new Fault(Mode.SLOW, 0, delay, DEFAULT_RETRY_AFTER, 0);
    }

    /** Every request is answered 429 with Retry-After: 1 (Cloud API: code 130429). */
    public static Fault rateLimit() {
        return rateLimit(DEFAULT_RETRY_AFTER);
    }

    public static Fault rateLimit(Duration retryAfter) {
        return new Fault(Mode.RATE_LIMIT, 429, Duration.ZERO, retryAfter, 0);
    }

    /** The endpoint's port refuses connections until the fault is changed; it comes back on the same port. */
    public static Fault dark() {
        return new Fault(Mode.DARK, 0, Duration.ZERO, DEFAULT_RETRY_AFTER, 0);
    }

    /** The same fault, but only for the next {@code n} requests; then the endpoint heals by itself. */
    public Fault times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be >= 1, got " + n);
        }
        return new Fault(mode, status, delay, retryAfter, n);
    }

    public boolean isNone() {
        return mode == Mode.NONE;
    }

    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
