package com.booqing.whatsapp.ingress.http;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class AuthFailureLimiterTest {
    final AtomicLong now = new AtomicLong();
    final AuthFailureLimiter limiter = new AuthFailureLimiter(3, Duration.ofSeconds(60), 2, now::get);

    @Test
    void blocksAnAddressAfterTheLimitUntilTheWindowEnds() {
        limiter.failed("10.0.0.1");
        limiter.failed("10.0.0.1");
        assertThat(limiter.retryAfterSeconds("10.0.0.1")).isEmpty();
        limiter.failed("10.0.0.1");

        assertThat(limiter.retryAfterSeconds("10.0.0.1")).hasValue(60);
        now.set(Duration.ofSeconds(45).toNanos());
        assertThat(limiter.retryAfterSeconds("10.0.0.1")).hasValue(15);
        now.set(Duration.ofSeconds(60).toNanos());
        assertThat(limiter.retryAfterSeconds("10.0.0.1")).isEmpty();
        assertThat(limiter.retryAfterSeconds("10.0.0.2")).isEmpty();
    }

    @Test
    void forgetsTheLeastRecentlySeenAddressBeyondItsBound() {
        for (int i = 0; i < 3; i++) {
            limiter.failed("a");
        }
        limiter.failed("b");
        limiter.failed("c");

        assertThat(limiter.retryAfterSeconds("a")).isEmpty();
    }
}
