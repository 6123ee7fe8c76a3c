package com.booqing.whatsapp.sender.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {
    private static final Duration BASE = Duration.ofMillis(500);
    private static final Duration MAX = Duration.ofSeconds(30);

    @Test
    void ceilingDoublesPerRetryUpToTheCap() {
        Backoff backoff = new Backoff(BASE, MAX, () -> 0.0);

        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.ceiling(7)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.ceiling(1000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fullJitterSpreadsTheWaitOverZeroToTheCeiling() {
        assertThat(new Backoff(BASE, MAX, () -> 0.0).delay(3, null)).isEqualTo(Duration.ZERO);
        assertThat(new Backoff(BASE, MAX, () -> 0.25).delay(3, null)).isEqualTo(Duration.ofMillis(500));
        assertThat(new Backoff(BASE, MAX, () -> 0.999).delay(3, null)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void retryAfterIsAFloorNotACeiling() {
        Backoff backoff = new Backoff(BASE, MAX, () -> 0.5);

        assertThat(backoff.delay(1, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(backoff.delay(10, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(15));
        assertThat(backoff.delay(1, Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new Backoff(MAX, BASE, () -> 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(BASE, MAX, () -> 0.5).delay(0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
