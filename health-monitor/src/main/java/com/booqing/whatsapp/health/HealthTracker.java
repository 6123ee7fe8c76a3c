package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;

import java.time.Instant;
import java.util.Optional;

/**
 * The health state machine of one endpoint, with hysteresis so that one lost probe does not fail traffic over
 * and one lucky answer does not bring it back: {@code failuresToUnhealthy} consecutive failures make it
 * UNHEALTHY, {@code successesToHealthy} consecutive successes make an unhealthy endpoint HEALTHY again. It
 * starts UNKNOWN, and the first success makes it HEALTHY: there is no earlier verdict to protect.
 *
 * <p>Pure: time comes in with each observation. It says what to publish: the first observation (the topic
 * knows nothing of the endpoint yet), every change of state, and a heartbeat after {@code heartbeatEvery}
 * observations without one, so that readers can tell a live verdict from a stale one.
 *
 * <p>"Connected but dead": when the last answer said the session was working and probes now time out or get
 * server errors, the error reads "connected but not answering: ..." so an operator sees a silent session, not a
 * down server.
 */
public final class HealthTracker {

    public record Thresholds(int failuresToUnhealthy, int successesToHealthy, int heartbeatEvery) {
        public static final Thresholds DEFAULT = new Thresholds(3, 2, 5);

        public Thresholds {
            if (failuresToUnhealthy < 1 || successesToHealthy < 1 || heartbeatEvery < 1) {
                throw new IllegalArgumentException("thresholds must be positive");
            }
        }
    }

    public static final String CONNECTED_BUT_SILENT = "connected but not answering";

    private final String tenantId;
    private final String endpointId;
    private final Thresholds thresholds;
    private HealthState state = HealthState.UNKNOWN;
    private int consecutiveFailures;
    private int consecutiveSuccesses;
    private int sincePublished;
    private boolean published;
    private Long latencyMs;
    private String lastError;
    private Instant changedAt;
    private boolean lastAnswerSaidWorking;

    public HealthTracker(String tenantId, String endpointId, Thresholds thresholds) {
        this.tenantId = tenantId;
        this.endpointId = endpointId;
        this.thresholds = thresholds;
    }

    /**
     * Carries on from the last published verdict (another instance's, or this one's before a restart), so a
     * takeover neither resets the endpoint to UNKNOWN nor republishes what the topic already says.
     */
    public static HealthTracker resume(EndpointHealth last, Thresholds thresholds) {
        HealthTracker t = new HealthTracker(last.tenantId(), last.endpointId(), thresholds);
        t.state = last.state();
        t.changedAt = last.changedAt();
        t.latencyMs = last.latencyMs();
        t.lastError = last.lastError();
        t.published = true;
        t.lastAnswerSaidWorking = last.state() == HealthState.HEALTHY;
        return t;
    }

    public HealthState state() {
        return state;
    }

    /** @return the record to publish, if this observation calls for one */
    public Optional<EndpointHealth> observe(ProbeResult result, Instant at) {
        HealthState before = state;
        if (result instanceof ProbeResult.Up up) {
            consecutiveSuccesses++;
            consecutiveFailures = 0;
            lastAnswerSaidWorking = true;
            latencyMs = up.latencyMs();
            if (state == HealthState.UNKNOWN
                    || (state == HealthState.UNHEALTHY && consecutiveSuccesses >= thresholds.successesToHealthy())) {
                state = HealthState.HEALTHY;
                lastError = null;
            }
        } else if (result instanceof ProbeResult.Down down) {
            consecutiveFailures++;
            consecutiveSuccesses = 0;
            latencyMs = down.latencyMs();
            if (down.cause() == ProbeResult.Cause.NOT_WORKING || down.cause() == ProbeResult.Cause.SESSION_MISSING) {
                lastAnswerSaidWorking = false;
            }
            lastError = lastAnswerSaidWorking && down.silent()
                    ? CONNECTED_BUT_SILENT + ": " + down.error() : down.error();
            if (state != HealthState.UNHEALTHY && consecutiveFailures >= thresholds.failuresToUnhealthy()) {
                state = HealthState.UNHEALTHY;
            }
        } else {
            ProbeResult.NotProbed none = (ProbeResult.NotProbed) result;
            consecutiveFailures = 0;
            consecutiveSuccesses = 0;
            latencyMs = null;
            lastAnswerSaidWorking = false;
            lastError = none.reason();
            state = HealthState.UNKNOWN;
        }
        boolean changed = state != before;
        if (changed || changedAt == null) {
            changedAt = at;
        }
        sincePublished++;
        if (!published || changed) {
            return Optional.of(publish(at, false));
        }
        if (sincePublished >= thresholds.heartbeatEvery()) {
            return Optional.of(publish(at, true));
        }
        return Optional.empty();
    }

    /** What to publish when the endpoint is deactivated: no verdict any more. */
    public EndpointHealth inactive(Instant at) {
        state = HealthState.UNKNOWN;
        lastError = "endpoint inactive";
        changedAt = at;
        return publish(at, false);
    }

    private EndpointHealth publish(Instant at, boolean heartbeat) {
        published = true;
        sincePublished = 0;
        return new EndpointHealth(tenantId, endpointId, state, latencyMs, lastError, at, changedAt, heartbeat);
    }
}
