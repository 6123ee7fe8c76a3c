package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FailoverWatchTest {
    private static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

    private final FailoverWatch watch = new FailoverWatch();
    private final Map<String, EndpointHealth> health = new HashMap<>();
    private final Endpoint a = endpoint("ep_a", true, 1);
    private final Endpoint b = endpoint("ep_b", false, 1);
    private final Endpoint c = endpoint("ep_c", false, 5);

    private static Endpoint endpoint(String id, boolean primary, int weight) {
        return new Endpoint(id, "acme", id, ProviderType.CLOUD_API, "https://graph.example", "v23.0", "1", null, null,
                null, null, null, true, primary, weight, T0, T0);
    }

    private void state(String id, HealthState s, Instant since) {
        health.put(id, new EndpointHealth("acme", id, s, 10L, null, since, since, false));
    }

    private Optional<FailoverWatch.Change> evaluate(TenantConfiguration config) {
        return watch.evaluate("acme", List.of(a, b, c), config, health::get, T0);
    }

    @Test
    void theFirstLookOnlyTakesNote() {
        state("ep_a", HealthState.UNHEALTHY, T0);
        state("ep_c", HealthState.HEALTHY, T0);

        assertThat(evaluate(null)).isEmpty();
        assertThat(evaluate(null)).isEmpty();
    }

    @Test
    void unhealthyPrimaryFailsOverToTheHeaviestHealthyEndpointAndBack() {
        state("ep_b", HealthState.HEALTHY, T0);
        state("ep_c", HealthState.HEALTHY, T0);
        assertThat(evaluate(null)).isEmpty();

        Instant down = T0.plusSeconds(180);
        state("ep_a", HealthState.UNHEALTHY, down);
        FailoverWatch.Change over = evaluate(null).orElseThrow();

        assertThat(over.action()).isEqualTo("failover");
        assertThat(over.inEffect()).isEqualTo("ep_c");
        assertThat(over.detail()).isEqualTo("primary ep_a unhealthy since " + down + "; in effect ep_c");

        state("ep_a", HealthState.HEALTHY, down.plusSeconds(60));
        FailoverWatch.Change back = evaluate(null).orElseThrow();
        assertThat(back.action()).isEqualTo("failback");
        assertThat(back.detail()).isEqualTo("primary ep_a healthy since " + down.plusSeconds(60) + "; in effect ep_a");
    }

    @Test
    void noHealthyEndpointLeavesNoneInEffect() {
        assertThat(evaluate(null)).isEmpty();
        state("ep_a", HealthState.UNHEALTHY, T0);
        state("ep_b", HealthState.UNHEALTHY, T0);

        FailoverWatch.Change none = evaluate(null).orElseThrow();

        assertThat(none.inEffect()).isNull();
        assertThat(none.detail()).endsWith("; no healthy endpoint in effect");
    }

    @Test
    void withFailoverDisabledThePrimaryStaysInEffect() {
        TenantConfiguration noFailover = new TenantConfiguration("acme", null, false, true, 30, 60, 3, 30000, T0, T0);
        assertThat(evaluate(noFailover)).isEmpty();
        state("ep_a", HealthState.UNHEALTHY, T0);
        state("ep_c", HealthState.HEALTHY, T0);

        assertThat(evaluate(noFailover)).isEmpty();
    }

    @Test
    void theConfiguredPrimaryWinsOverTheFlag() {
        TenantConfiguration bFirst = new TenantConfiguration("acme", "ep_b", true, true, 30, 60, 3, 30000, T0, T0);
        assertThat(evaluate(bFirst)).isEmpty();
        state("ep_b", HealthState.UNHEALTHY, T0);
        state("ep_a", HealthState.HEALTHY, T0);

        FailoverWatch.Change over = evaluate(bFirst).orElseThrow();

        assertThat(over.primary()).isEqualTo("ep_b");
        assertThat(over.inEffect()).isEqualTo("ep_a");
    }
}
