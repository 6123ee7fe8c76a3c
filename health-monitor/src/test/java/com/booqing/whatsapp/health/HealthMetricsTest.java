package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HealthMetricsTest {
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HealthMetrics metrics = new HealthMetrics(registry);

    private static Endpoint endpoint(String id, ProviderType provider) {
        return new Endpoint(id, "acme", id, provider, "https://graph.example", "v23.0", "1", null, null,
                null, null, null, true, false, 1, T0, T0);
    }

    private double endpoints(HealthState state) {
        return registry.get(HealthMetrics.ENDPOINTS).tag("state", state.wireName()).gauge().value();
    }

    private double state(String endpointId) {
        return registry.get(HealthMetrics.ENDPOINT_STATE).tag("endpoint", endpointId).gauge().value();
    }

    @Test
    void countsEndpointsByStateAndShowsEachEndpointsState() {
        metrics.state(endpoint("ep_a", ProviderType.CLOUD_API), HealthState.HEALTHY);
        metrics.state(endpoint("ep_b", ProviderType.WAHA), HealthState.UNHEALTHY);
        metrics.state(endpoint("ep_c", ProviderType.EVOLUTION), HealthState.UNKNOWN);
        metrics.state(endpoint("ep_b", ProviderType.WAHA), HealthState.HEALTHY);

        assertThat(endpoints(HealthState.HEALTHY)).isEqualTo(2);
        assertThat(endpoints(HealthState.UNHEALTHY)).isZero();
        assertThat(endpoints(HealthState.UNKNOWN)).isEqualTo(1);
        assertThat(state("ep_a")).isEqualTo(1);
        assertThat(state("ep_b")).isEqualTo(1);
        assertThat(state("ep_c")).isEqualTo(-1);
        assertThat(registry.get(HealthMetrics.ENDPOINT_STATE).tag("endpoint", "ep_b").gauge().getId().getTag("provider"))
                .isEqualTo("waha");
    }

    @Test
    void endpointsNoLongerCheckedLoseTheirGauge() {
        metrics.state(endpoint("ep_a", ProviderType.CLOUD_API), HealthState.HEALTHY);
        metrics.state(endpoint("ep_b", ProviderType.CLOUD_API), HealthState.UNHEALTHY);

        metrics.retain(Set.of("ep_a"));

        assertThat(registry.find(HealthMetrics.ENDPOINT_STATE).gauges())
                .extracting(g -> g.getId().getTag("endpoint")).containsExactly("ep_a");
        assertThat(endpoints(HealthState.UNHEALTHY)).isZero();
    }

    @Test
    void failoversAreCountedByActionFromZero() {
        assertThat(registry.get(HealthMetrics.FAILOVERS).tag("action", "failover").counter().count()).isZero();

        metrics.announced(new FailoverWatch.Change("acme", FailoverWatch.FAILOVER, "ep_a", "ep_b", "detail", T0));

        assertThat(registry.get(HealthMetrics.FAILOVERS).tag("action", "failover").counter().count()).isEqualTo(1);
        assertThat(registry.get(HealthMetrics.FAILOVERS).tag("action", "failback").counter().count()).isZero();
    }

    @Test
    void probeLatencyIsRecordedFromTheProbesOwnMeasure() {
        Endpoint a = endpoint("ep_a", ProviderType.CLOUD_API);
        metrics.probed(a, new ProbeResult.Up(120));
        metrics.probed(a, new ProbeResult.Down("timeout", 3000L));
        metrics.probed(a, new ProbeResult.Down("no API key", null));

        assertThat(registry.get(HealthMetrics.PROBE_LATENCY).tag("result", "up").timer().count()).isEqualTo(1);
        assertThat(registry.get(HealthMetrics.PROBE_LATENCY).tag("result", "down").timer()
                .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(3000);
    }
}
