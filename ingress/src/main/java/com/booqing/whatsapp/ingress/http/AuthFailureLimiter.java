package com.booqing.whatsapp.ingress.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Counts failed authentications per client address in a fixed window; once an address has failed
 * {@code limit} times in the window, every authenticated request from it is refused with 429 until the window
 * ends, whatever key it carries (so that guessing cannot go on, and a right guess cannot be told from a wrong
 * one). Memory is bounded: at most {@code maxTracked} addresses, the least recently seen dropped first.
 */
public final class AuthFailureLimiter {
    public static final int DEFAULT_MAX_TRACKED = 10_000;

    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Window> windows;

    public AuthFailureLimiter(int limit, Duration window, int maxTracked, LongSupplier nanoTime) {
        if (limit <= 0 || window.isNegative() || window.isZero() || maxTracked <= 0) {
            throw new IllegalArgumentException("limit, window and maxTracked must be positive");
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.nanoTime = nanoTime;
        this.windows = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxTracked;
            }
        };
    }

    /** Seconds until the address may try again, or empty when it may try now. */
    public OptionalLong retryAfterSeconds(String address) {
        synchronized (windows) {
            Window w = windows.get(address);
            long now = nanoTime.getAsLong();
            if (w == null || w.count < limit || now - w.start >= windowNanos) {
                return OptionalLong.empty();
            }
            long remaining = w.start + windowNanos - now;
            return OptionalLong.of(Math.max(1, (remaining + 999_999_999L) / 1_000_000_000L));
        }
    }

    public void failed(String address) {
        synchronized (windows) {
            long now = nanoTime.getAsLong();
            Window w = windows.get(address);
            if (w == null || now - w.start >= windowNanos) {
                windows.put(address, new Window(now, 1));
            } else {
                w.count++;
            }
        }
    }

    private static final class Window {
        final long start;
        int count;

        Window(long start, int count) {
            this.start = start;
            this.count = count;
        }
    }
}
