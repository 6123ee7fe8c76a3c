package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTrackerTest {
    private static final ProbeResult UP = new ProbeResult.Up(42);
    private static final ProbeResult DOWN = new ProbeResult.Down("connection refused", null);
    private static final ProbeResult SLOW = new ProbeResult.Down("no answer within 1000 ms", 1000L);

    private HealthTracker tracker = new HealthTracker("acme", "ep_a", new HealthTracker.Thresholds(3, 2, 100));
    private Instant now = Instant.parse("2025-06-01T12:00:00Z");

    private Optional<EndpointHealth> step(ProbeResult r) {
        now = now.plus(Duration.ofSeconds(60));
        return tracker.observe(r, now);
    }

    private void becomeHealthy() {
        step(UP);
        assertThat(tracker.state()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void startsUnknownAndTheFirstSuccessMakesItHealthy() {
        assertThat(tracker.state()).isEqualTo(HealthState.UNKNOWN);

        EndpointHealth published = step(UP).orElseThrow();

        assertThat(published.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(published.latencyMs()).isEqualTo(42);
        assertThat(published.checkedAt()).isEqualTo(now);
        assertThat(published.changedAt()).isEqualTo(now);
        assertThat(published.heartbeat()).isFalse();
    }

    @Test
    void oneSlowOrFailedAnswerDoesNotFlap() {
        becomeHealthy();

        assertThat(step(SLOW)).isEmpty();
        assertThat(step(UP)).isEmpty();
        assertThat(step(DOWN)).isEmpty();
        assertThat(step(DOWN)).isEmpty();
        assertThat(step(UP)).isEmpty();

        assertThat(tracker.state()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void thresholdConsecutiveFailuresMakeItUnhealthy() {
        becomeHealthy();
        Instant healthySince = now;

        assertThat(step(DOWN)).isEmpty();
        assertThat(step(SLOW)).isEmpty();
        EndpointHealth published = step(DOWN).orElseThrow();

        assertThat(published.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(published.lastError()).isEqualTo("connection refused");
        assertThat(published.changedAt()).isEqualTo(now).isAfter(healthySince);
        assertThat(published.heartbeat()).isFalse();
    }

    @Test
    void unknownEndpointThatNeverAnswersBecomesUnhealthyAfterTheThreshold() {
        assertThat(step(DOWN).orElseThrow().state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(step(DOWN)).isEmpty();
        assertThat(step(DOWN).orElseThrow().state()).isEqualTo(HealthState.UNHEALTHY);
    }

    @Test
    void successesMakeItHealthyAgainOnlyAfterTheThreshold() {
        becomeHealthy();
        step(DOWN);
        step(DOWN);
        step(DOWN);
        assertThat(tracker.state()).isEqualTo(HealthState.UNHEALTHY);

        assertThat(step(UP)).isEmpty();
        assertThat(tracker.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(step(DOWN)).isEmpty();
        assertThat(step(UP)).isEmpty();
        EndpointHealth published = step(UP).orElseThrow();

        assertThat(published.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(published.lastError()).isNull();
    }

    @Test
    void heartbeatAfterTheGivenNumberOfQuietObservations() {
        tracker = new HealthTracker("acme", "ep_a", new HealthTracker.Thresholds(3, 2, 5));
        becomeHealthy();
        for (int i = 0; i < 4; i++) {
            assertThat(step(UP)).isEmpty();
        }

        EndpointHealth beat = step(UP).orElseThrow();

        assertThat(beat.heartbeat()).isTrue();
        assertThat(beat.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(beat.checkedAt()).isEqualTo(now);
        assertThat(beat.changedAt()).isBefore(now);
        assertThat(step(UP)).isEmpty();
    }

    @Test
    void endpointWithoutProbeStaysUnknownWithTheReason() {
        EndpointHealth published = step(new ProbeResult.NotProbed(Probes.NOT_SUPPORTED)).orElseThrow();

        assertThat(published.state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(published.lastError()).isEqualTo("probe not supported yet");
        assertThat(step(new ProbeResult.NotProbed(Probes.NOT_SUPPORTED))).isEmpty();
    }

    @Test
    void flappingDoesNotStormEvents() {
        becomeHealthy();
        int published = 0;
        for (int i = 0; i < 45; i++) {
            published += step(i % 2 == 0 ? DOWN : UP).isPresent() ? 1 : 0;
            published += step(i % 3 == 0 ? DOWN : UP).isPresent() ? 1 : 0;
        }

        assertThat(published).isZero();
        assertThat(tracker.state()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void aSessionThatSaidWorkingAndThenTimesOutIsConnectedButNotAnswering() {
        step(new ProbeResult.Up(12, "WORKING"));
        ProbeResult timeout = new ProbeResult.Down("no answer within 1000 ms", 1000L, ProbeResult.Cause.TIMEOUT, null);

        step(timeout);
        step(timeout);
        EndpointHealth published = step(timeout).orElseThrow();

        assertThat(published.state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(published.lastError()).isEqualTo("connected but not answering: no answer within 1000 ms");
    }

    @Test
    void aSessionThatSaysItIsNotWorkingIsNotCalledSilent() {
        step(new ProbeResult.Up(12, "open"));
        step(new ProbeResult.Down("instance state close", 5L, ProbeResult.Cause.NOT_WORKING, "close"));
        step(new ProbeResult.Down("HTTP 500", 5L, ProbeResult.Cause.SERVER_ERROR, null));
        EndpointHealth published = step(new ProbeResult.Down("HTTP 500", 5L, ProbeResult.Cause.SERVER_ERROR, null))
                .orElseThrow();

        assertThat(published.lastError()).isEqualTo("HTTP 500");
    }

    @Test
    void resumedTrackerKeepsThePublishedVerdictAndDoesNotRepeatIt() {
        Instant since = now.minusSeconds(600);
        tracker = HealthTracker.resume(new EndpointHealth("acme", "ep_a", HealthState.UNHEALTHY, null, "connection refused",
                now, since, false), new HealthTracker.Thresholds(3, 2, 100));

        assertThat(step(DOWN)).isEmpty();
        assertThat(step(UP)).isEmpty();
        EndpointHealth back = step(UP).orElseThrow();

        assertThat(back.state()).isEqualTo(HealthState.HEALTHY);
        assertThat(back.changedAt()).isEqualTo(now).isAfter(since);
    }
}
