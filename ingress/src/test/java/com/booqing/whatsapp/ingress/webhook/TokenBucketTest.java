package com.booqing.whatsapp.ingress.webhook;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {
    static final long MS = 1_000_000L;

    static int taken(TokenBucket bucket, long now, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (bucket.tryTake(now)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void letsTheBurstThroughAtOnceThenRefuses() {
        TokenBucket bucket = new TokenBucket(10, 10, 0);

        assertThat(taken(bucket, 0, 25)).isEqualTo(10);
    }

    @Test
    void refillsAtTheRate() {
        TokenBucket bucket = new TokenBucket(10, 10, 0);
        taken(bucket, 0, 10);

        assertThat(bucket.tryTake(99 * MS)).isFalse();
        assertThat(bucket.tryTake(100 * MS)).isTrue();
        assertThat(bucket.tryTake(100 * MS)).isFalse();
        assertThat(taken(bucket, 600 * MS, 10)).isEqualTo(5);
    }

    @Test
    void neverHoldsMoreThanTheBurst() {
        TokenBucket bucket = new TokenBucket(10, 3, 0);

        assertThat(taken(bucket, 3_600_000 * MS, 10)).isEqualTo(3);
    }

    @Test
    void ignoresTimeGoingBackwards() {
        TokenBucket bucket = new TokenBucket(10, 1, 1_000 * MS);
        bucket.tryTake(1_000 * MS);

        assertThat(bucket.tryTake(0)).isFalse();
        assertThat(bucket.tryTake(1_100 * MS)).isTrue();
    }

    @Test
    void refusesNonPositiveSettings() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
