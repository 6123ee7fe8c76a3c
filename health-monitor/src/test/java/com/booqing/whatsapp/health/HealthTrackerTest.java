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
}
