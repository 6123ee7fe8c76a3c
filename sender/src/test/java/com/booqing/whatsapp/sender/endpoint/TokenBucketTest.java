package com.booqing.whatsapp.sender.endpoint;

import com.booqing.whatsapp.sender.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TokenBucketTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));

    @Test
    void burstUpToCapacityThenOneCallPerInterval() {
        TokenBucket bucket = new TokenBucket(80, 80, clock);

        for (int i = 0; i < 80; i++) {
            assertThat(bucket.reserve()).isZero();
        }
        assertThat(bucket.reserve().toNanos()).isCloseTo(12_500_000L, within(10L));
        assertThat(bucket.reserve().toNanos()).isCloseTo(25_000_000L, within(10L));
    }

    @Test
    void refillsWithTimeButNeverBeyondCapacity() {
        TokenBucket bucket = new TokenBucket(2, 2, clock);
        bucket.reserve();
        bucket.reserve();

        clock.advance(Duration.ofMinutes(1));

        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isZero();
        assertThat(bucket.reserve()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void countOverAnyWindowStaysWithinCapacityPlusRate() {
        TokenBucket bucket = new TokenBucket(5, 5, clock);
        int granted = 0;
        for (int step = 0; step < 300; step++) {
            if (bucket.reserve().isZero()) {
                granted++;
            } else {
                bucket.cancel();
            }
            clock.advance(Duration.ofMillis(10));
        }

        // 3 seconds at 5/s plus the initial burst of 5.
        assertThat(granted).isBetween(19, 20);
    }

    @Test
    void cancelledReservationIsGivenBack() {
        TokenBucket bucket = new TokenBucket(1, 1, clock);
        bucket.reserve();
        assertThat(bucket.reserve()).isEqualTo(Duration.ofSeconds(1));

        bucket.cancel();

        assertThat(bucket.reserve()).isEqualTo(Duration.ofSeconds(1));
    }
}
