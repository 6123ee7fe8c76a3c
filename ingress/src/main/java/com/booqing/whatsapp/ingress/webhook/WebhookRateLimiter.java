package com.booqing.whatsapp.ingress.webhook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * In-process per-endpoint rate limit of webhooks: one {@link TokenBucket} per {@code tenantId/endpointId} path,
 * whether or not that endpoint exists, so that being limited tells a caller nothing about which endpoints exist.
 *
 * <p>Memory is bounded: at most {@code maxTrackedPaths} buckets, the least recently used dropped first (a dropped
 * bucket comes back full, which only ever lets more through). Path parts too long to be a real tenant or endpoint
 * id share one bucket. One lock guards the map; each call is a few hundred nanoseconds of work under it.
 */
public final class WebhookRateLimiter {
    public static final int DEFAULT_MAX_TRACKED_PATHS = 10_000;
    /** Longer than any valid tenant id (63) plus a generated endpoint id (69). */
    static final int MAX_KEY_LENGTH = 160;
    static final String OVERSIZED_KEY = "\u0000oversized";

    private final int ratePerSecond;
    private final int burst;
    private final LongSupplier nanoTime;
    private final Map<String, TokenBucket> buckets;

    public WebhookRateLimiter(int ratePerSecond, int burst, int maxTrackedPaths, LongSupplier nanoTime) {
        if (ratePerSecond <= 0 || burst <= 0 || maxTrackedPaths <= 0) {
            throw new IllegalArgumentException("rate, burst and maxTrackedPaths must be positive");
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.buckets = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
                return size() > maxTrackedPaths;
            }
        };
    }

    public int ratePerSecond() {
        return ratePerSecond;
    }

    /** True when the webhook may proceed; false when this path has used up its tokens. */
    public boolean tryAcquire(String tenantId, String endpointId) {
        String key = tenantId.length() + endpointId.length() + 1 > MAX_KEY_LENGTH ? OVERSIZED_KEY
                : tenantId + "/" + endpointId;
        synchronized (buckets) {
            long now = nanoTime.getAsLong();
            return buckets.computeIfAbsent(key, k -> new TokenBucket(ratePerSecond, burst, now)).tryTake(now);
        }
    }

    int trackedPaths() {
        synchronized (buckets) {
            return buckets.size();
        }
    }
}
