package com.booqing.whatsapp.health;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeScheduleTest {
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    private static final Duration MINUTE = Duration.ofSeconds(60);

    private final ProbeSchedule schedule = new ProbeSchedule();

    @Test
    void probesANewEndpointAtOnceThenOncePerInterval() {
        assertThat(schedule.startIfDue("ep_a", MINUTE, T0)).isTrue();
        schedule.finished("ep_a");

        assertThat(schedule.startIfDue("ep_a", MINUTE, T0.plusSeconds(59))).isFalse();
        assertThat(schedule.startIfDue("ep_a", MINUTE, T0.plusSeconds(60))).isTrue();
    }

    @Test
    void neverStartsASecondProbeWhileOneRuns() {
        assertThat(schedule.startIfDue("ep_a", MINUTE, T0)).isTrue();

        assertThat(schedule.startIfDue("ep_a", MINUTE, T0.plusSeconds(120))).isFalse();
        schedule.finished("ep_a");
        assertThat(schedule.startIfDue("ep_a", MINUTE, T0.plusSeconds(120))).isTrue();
    }

    @Test
    void forgottenEndpointStartsOver() {
        schedule.startIfDue("ep_a", MINUTE, T0);
        schedule.forget("ep_a");

        assertThat(schedule.startIfDue("ep_a", MINUTE, T0.plusSeconds(1))).isTrue();
    }
}
