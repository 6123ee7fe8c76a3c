package com.booqing.whatsapp.ingress.webhook;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookRateLimiterTest {
    final AtomicLong now = new AtomicLong();

    int allowed(WebhookRateLimiter limiter, String tenant, String endpoint, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire(tenant, endpoint)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void eachPathHasItsOwnBucket() {
        WebhookRateLimiter limiter = new WebhookRateLimiter(5, 5, 100, now::get);

        assertThat(allowed(limiter, "salon-a", "ep_1", 20)).isEqualTo(5);
        assertThat(allowed(limiter, "salon-a", "ep_2", 20)).isEqualTo(5);
        assertThat(allowed(limiter, "salon-b", "ep_1", 20)).isEqualTo(5);
    }

    @Test
    void aLimitedPathRecoversWithTime() {
        WebhookRateLimiter limiter = new WebhookRateLimiter(5, 5, 100, now::get);
        allowed(limiter, "salon-a", "ep_1", 20);

        now.addAndGet(1_000_000_000L);

        assertThat(allowed(limiter, "salon-a", "ep_1", 20)).isEqualTo(5);
    }

    @Test
    void tracksABoundedNumberOfPaths() {
        WebhookRateLimiter limiter = new WebhookRateLimiter(5, 5, 100, now::get);
        for (int i = 0; i < 1_000; i++) {
            limiter.tryAcquire("salon-a", "ep_" + i);
        }

        assertThat(limiter.trackedPaths()).isEqualTo(100);
    }

    /* Paths no real tenant or endpoint can have are not worth a bucket each: they share one. */
    @Test
    void overlongPathsShareOneBucket() {
        WebhookRateLimiter limiter = new WebhookRateLimiter(5, 5, 100, now::get);
        String longId = "x".repeat(WebhookRateLimiter.MAX_KEY_LENGTH);

        assertThat(allowed(limiter, longId, "ep_1", 3) + allowed(limiter, "salon-a", longId + "2", 10)).isEqualTo(5);
        assertThat(limiter.trackedPaths()).isEqualTo(1);
    }
}
