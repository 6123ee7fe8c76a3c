package com.booqing.whatsapp.common.endpoint;

import java.time.Instant;
import java.util.Objects;

/**
 * The health monitor's view of one endpoint, on the compacted health topic (key: endpoint id).
 *
 * @param heartbeat true when re-emitted without a change, so consumers can tell a live monitor from a stale view
 * @param lastError a short reason from the last failed check: never a secret, never a response body
 */
public record EndpointHealth(
        String tenantId,
        String endpointId,
        HealthState state,
        Long latencyMs,
        String lastError,
        Instant checkedAt,
        Instant changedAt,
        boolean heartbeat) {

    public EndpointHealth {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(state, "state");
    }
}
