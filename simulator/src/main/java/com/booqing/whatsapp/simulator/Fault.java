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
 * @param percent    the share of requests the fault affects (1..100), spread evenly and deterministically: of the
 *                   first n requests exactly ⌊n × percent / 100⌋ are affected (10 % = the 10th, 20th, 30th…); the
 *                   others are served normally
 */
public record Fault(Mode mode, int status, Duration delay, Duration retryAfter, int times, int percent) {

    public enum Mode {
        NONE("none"), FAIL("fail"), SLOW("slow"), RATE_LIMIT("rate-limit"), DARK("dark"), HANG("hang"),
        RESET("reset");

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
            throw new IllegalArgumentException(
                    "mode must be one of none, fail, slow, rate-limit, dark, hang, reset; got '" + name + "'");
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
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("percent must be 1..100, got " + percent);
        }
        if (mode == Mode.DARK && (times != 0 || percent != 100)) {
            // A dark endpoint receives no requests, so there is nothing to count down or to pick from.
            throw new IllegalArgumentException("a dark fault lasts until changed; times and percent are not supported");
        }
    }

    /** The canonical fault without a share: every request is affected. */
    public Fault(Mode mode, int status, Duration delay, Duration retryAfter, int times) {
        this(mode, status, delay, retryAfter, times, 100);
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

    /**
     * Every request is accepted (read and recorded) but neither processed nor answered: the connection stays open
     * until the fault is changed, the endpoint goes dark or closes, or {@link EndpointServer#HANG_LIMIT} passes; then
     * it is dropped without an answer. An API server that is stuck.
     */
    public static Fault hang() {
        return new Fault(Mode.HANG, 0, Duration.ZERO, DEFAULT_RETRY_AFTER, 0);
    }

    /**
     * Every request is processed normally (the message is sent, receipts follow) but the connection is then reset
     * (TCP RST) instead of answered: the client cannot know the message went out.
     */
    public static Fault reset() {
        return new Fault(Mode.RESET, 0, Duration.ZERO, DEFAULT_RETRY_AFTER, 0);
    }

    /** The same fault, but only for the next {@code n} requests; then the endpoint heals by itself. */
    public Fault times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be >= 1, got " + n);
        }
        return new Fault(mode, status, delay, retryAfter, n, percent);
    }

    /**
     * The same fault, but only for {@code p} % of the requests, spread evenly (the others are served normally);
     * with {@link #times(int)}, only affected requests count.
     */
    public Fault percent(int p) {
        return new Fault(mode, status, delay, retryAfter, times, p);
    }

    public boolean isNone() {
        return mode == Mode.NONE;
    }

    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
