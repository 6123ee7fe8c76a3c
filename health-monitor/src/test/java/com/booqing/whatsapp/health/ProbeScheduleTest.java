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
    void checksAnEndpointWhenDueThenOneIntervalAfterTheStartOfItsCheck() {
        schedule.schedule("ep_a", T0);

        assertThat(schedule.takeDue(T0, 10)).containsExactly("ep_a");
        // The check took 5 s; the next one is due a minute after it started, not after it ended.
        schedule.finished("ep_a", MINUTE);

        assertThat(schedule.takeDue(T0.plusSeconds(59), 10)).isEmpty();
        assertThat(schedule.takeDue(T0.plusSeconds(60), 10)).containsExactly("ep_a");
    }

    @Test
    void neverStartsASecondCheckWhileOneRuns() {
        schedule.schedule("ep_a", T0);
        assertThat(schedule.takeDue(T0, 10)).containsExactly("ep_a");

        assertThat(schedule.takeDue(T0.plusSeconds(120), 10)).isEmpty();
        assertThat(schedule.contains("ep_a")).isTrue();
        schedule.finished("ep_a", MINUTE);
        assertThat(schedule.takeDue(T0.plusSeconds(120), 10)).containsExactly("ep_a");
    }

    @Test
    void takesDueEndpointsEarliestFirstAndAtMostTheNumberAsked() {
        schedule.schedule("ep_c", T0.plusSeconds(3));
        schedule.schedule("ep_a", T0.plusSeconds(1));
        schedule.schedule("ep_b", T0.plusSeconds(2));
        schedule.schedule("ep_later", T0.plusSeconds(30));

        assertThat(schedule.takeDue(T0.plusSeconds(5), 2)).containsExactly("ep_a", "ep_b");
        assertThat(schedule.takeDue(T0.plusSeconds(5), 10)).containsExactly("ep_c");
        assertThat(schedule.running()).isEqualTo(3);
        assertThat(schedule.size()).isEqualTo(4);
    }

    @Test
    void forgottenEndpointIsNotCheckedAndItsRunningCheckDoesNotBringItBack() {
        schedule.schedule("ep_a", T0);
        schedule.schedule("ep_b", T0);
        schedule.forget("ep_a");
        assertThat(schedule.takeDue(T0, 10)).containsExactly("ep_b");

        schedule.forget("ep_b");
        schedule.finished("ep_b", MINUTE);

        assertThat(schedule.contains("ep_b")).isFalse();
        assertThat(schedule.takeDue(T0.plus(MINUTE), 10)).isEmpty();
    }

    @Test
    void endpointsTakenOnKeepThePreviousRhythmWhenTheirLastCheckIsRecent() {
        Instant checked = T0.minusSeconds(20);

        assertThat(ProbeSchedule.takenOn(checked, MINUTE, T0, 0.9)).isEqualTo(T0.plusSeconds(40));
    }

    @Test
    void endpointsTakenOnWithoutARecentCheckAreSpreadOverTheInterval() {
        assertThat(ProbeSchedule.takenOn(null, MINUTE, T0, 0.0)).isEqualTo(T0);
        assertThat(ProbeSchedule.takenOn(null, MINUTE, T0, 0.5)).isEqualTo(T0.plusSeconds(30));
        // Overdue (the previous owner died a while ago): spread too, not all at once.
        assertThat(ProbeSchedule.takenOn(T0.minusSeconds(300), MINUTE, T0, 0.25)).isEqualTo(T0.plusSeconds(15));
    }

    @Test
    void reschedulingReplacesTheEarlierPlan() {
        schedule.schedule("ep_a", T0.plusSeconds(30));
        schedule.schedule("ep_a", T0.plusSeconds(5));

        assertThat(schedule.takeDue(T0.plusSeconds(5), 10)).containsExactly("ep_a");
        schedule.finished("ep_a", MINUTE);
        // The stale entry at +30 s does not start a second check.
        assertThat(schedule.takeDue(T0.plusSeconds(30), 10)).isEmpty();
    }
}
