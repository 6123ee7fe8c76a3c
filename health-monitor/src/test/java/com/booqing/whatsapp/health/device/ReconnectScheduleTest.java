package com.booqing.whatsapp.health.device;

import com.booqing.whatsapp.health.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ReconnectScheduleTest {
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
    private static final Duration FIRST = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(T0);

    @Test
    void attemptsFollowTheBackoffScheduleAndStopAtTheMaximum() {
        ReconnectSchedule s = new ReconnectSchedule(FIRST, 3, clock);

        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.Wait(T0.plusSeconds(30)));
        clock.advance(Duration.ofSeconds(29));
        assertThat(s.poll()).isInstanceOf(ReconnectSchedule.Step.Wait.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.Attempt(1, 3));
        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.Wait(T0.plusSeconds(30 + 60)));

        clock.advance(Duration.ofSeconds(60));
        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.Attempt(2, 3));
        clock.advance(Duration.ofSeconds(119));
        assertThat(s.poll()).isInstanceOf(ReconnectSchedule.Step.Wait.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.Attempt(3, 3));

        // The last attempt gets its own delay to work before the schedule gives up.
        clock.advance(Duration.ofSeconds(239));
        assertThat(s.poll()).isInstanceOf(ReconnectSchedule.Step.Wait.class);
        clock.advance(Duration.ofSeconds(1));
        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.GiveUp(3));
        clock.advance(Duration.ofHours(5));
        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.GiveUp(3));
        assertThat(s.attempts()).isEqualTo(3);
    }

    @Test
    void aLatePollDelaysTheNextAttemptFromWhenTheAttemptWasMade() {
        ReconnectSchedule s = new ReconnectSchedule(FIRST, 5, clock);
        clock.advance(Duration.ofSeconds(45));

        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.Attempt(1, 5));
        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.Wait(T0.plusSeconds(45 + 60)));
    }

    @Test
    void delaysDoubleUpToAnHour() {
        assertThat(ReconnectSchedule.delayBefore(1, FIRST)).isEqualTo(FIRST);
        assertThat(ReconnectSchedule.delayBefore(4, FIRST)).isEqualTo(Duration.ofSeconds(240));
        assertThat(ReconnectSchedule.delayBefore(8, FIRST)).isEqualTo(Duration.ofHours(1));
        assertThat(ReconnectSchedule.delayBefore(1000, FIRST)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void resumedScheduleCarriesOnWithTheNextAttemptAndTheBackoffReached() {
        // Another instance made attempts 1 and 2; attempt 3 is due 120 s after attempt 2, at T0 + 30 s.
        ReconnectSchedule s = ReconnectSchedule.resume(FIRST, 4, 2, T0.plusSeconds(30), clock);

        assertThat(s.attempts()).isEqualTo(2);
        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.Wait(T0.plusSeconds(30)));
        clock.advance(Duration.ofSeconds(30));
        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.Attempt(3, 4));
        // The delay before attempt 4 is the fourth of the series (240 s), not the first.
        assertThat(s.nextAt()).isEqualTo(T0.plusSeconds(30 + 240));
    }

    @Test
    void resumedScheduleWhoseStepIsOverdueActsAtOnceAndGivesUpAfterTheLastAttempt() {
        ReconnectSchedule s = ReconnectSchedule.resume(FIRST, 3, 3, T0.minusSeconds(10), clock);

        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.GiveUp(3));
    }

    @Test
    void noAttemptsAllowedGivesUpAtOnce() {
        ReconnectSchedule s = new ReconnectSchedule(FIRST, 0, clock);

        assertThat(s.poll()).isEqualTo(new ReconnectSchedule.Step.GiveUp(0));
    }
}
