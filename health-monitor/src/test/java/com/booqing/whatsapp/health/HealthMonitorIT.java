package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.tenant.ConfigurationChanged;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.waha.WahaSettings;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@KafkaAndRedis
class HealthMonitorIT {
    private static final Duration INTERVAL = Duration.ofMillis(200);

    private static Simulator simulator;
    private static Fixture fx;
    private static HealthMonitor monitor;

    @BeforeAll
    static void start(Infra infra) {
        simulator = new Simulator(SimulatorConfig.defaults()).start(0);
        fx = new Fixture(infra);
        monitor = fx.monitor(new HealthSettings(INTERVAL, new HealthTracker.Thresholds(3, 2, 1000)),
                Fixture.standardProbes(), 1000);
    }

    @AfterAll
    static void stop() {
        if (monitor != null) {
            monitor.close();
        }
        if (fx != null) {
            fx.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    private static List<EndpointHealth> of(String endpointId) {
        return fx.health.poll().stream().filter(e -> endpointId.equals(e.key()) && e.value() != null)
                .map(Records.Entry::value).toList();
    }

    private static List<HealthState> changes(String endpointId) {
        return of(endpointId).stream().filter(h -> !h.heartbeat()).map(EndpointHealth::state).toList();
    }

    private static EndpointHealth last(String endpointId) {
        List<EndpointHealth> all = of(endpointId);
        return all.get(all.size() - 1);
    }

    /** Waits until the endpoint's latest published state (heartbeats aside) is {@code state}. */
    private static void awaitLatest(String endpointId, HealthState state) {
        await().atMost(Fixture.WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<HealthState> c = changes(endpointId);
            return !c.isEmpty() && c.get(c.size() - 1) == state;
        });
    }

    @Test
    void endpointGoingDarkTurnsUnhealthyAfterTheThresholdAndHealthyAgainWhenBack(Infra infra) {
        String id = infra.uniqueId("ep");
        SimEndpoint sim = simulator.registerCloudApi(id, Fixture.PHONE_NUMBER_ID, Fixture.token(id),
                Fixture.APP_SECRET, null);
        Endpoint endpoint = fx.endpoint(infra.uniqueId("tenant"), id, ProviderType.CLOUD_API, sim.apiUrl(), null, true,
                1);

        // A cold first probe may time out and publish UNKNOWN first; what counts is the way from HEALTHY on.
        awaitLatest(endpoint.id(), HealthState.HEALTHY);
        int healthyAt = changes(endpoint.id()).size() - 1;
        assertThat(simulator.requests(id)).first().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.path()).isEqualTo("/v23.0/" + Fixture.PHONE_NUMBER_ID);
        });

        Instant dark = Instant.now();
        simulator.fault(id, Fault.dark());
        awaitLatest(endpoint.id(), HealthState.UNHEALTHY);
        EndpointHealth unhealthy = last(endpoint.id());
        assertThat(unhealthy.lastError()).isEqualTo("connection refused");
        // Three failed probes, one interval apart, before the verdict: not the first refused connection.
        assertThat(Duration.between(dark, unhealthy.checkedAt())).isGreaterThanOrEqualTo(INTERVAL.multipliedBy(2));

        // Cleared while dark (a dark endpoint receives nothing): a check landing while the listener comes back
        // must count among the requests after recovery.
        simulator.clearRequests(id);
        simulator.fault(id, Fault.none());
        awaitLatest(endpoint.id(), HealthState.HEALTHY);

        assertThat(simulator.requests(id)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(last(endpoint.id()).lastError()).isNull();
        List<HealthState> c = changes(endpoint.id());
        assertThat(c.subList(healthyAt, c.size()))
                .containsExactly(HealthState.HEALTHY, HealthState.UNHEALTHY, HealthState.HEALTHY);
    }

    @Test
    void wahaEndpointGoingDarkTurnsUnhealthyAndBack(Infra infra) {
        String id = infra.uniqueId("ep");
        SimEndpoint sim = simulator.registerWaha(id, "front", Fixture.token(id), null, null);
        Endpoint endpoint = fx.endpoint(infra.uniqueId("tenant"), id, ProviderType.WAHA, sim.apiUrl(), "front", true,
                1);

        awaitLatest(endpoint.id(), HealthState.HEALTHY);
        assertThat(simulator.requests(id)).first().satisfies(r -> {
            assertThat(r.method() + " " + r.path()).isEqualTo("GET /api/sessions/front");
            assertThat(r.header("X-Api-Key")).isEqualTo(Fixture.token(id));
        });

        simulator.fault(id, Fault.dark());
        awaitLatest(endpoint.id(), HealthState.UNHEALTHY);
        assertThat(last(endpoint.id()).lastError()).isEqualTo("connection refused");

        simulator.fault(id, Fault.none());
        awaitLatest(endpoint.id(), HealthState.HEALTHY);
        assertThat(last(endpoint.id()).lastError()).isNull();
    }

    @Test
    void wahaSessionThatIsNotWorkingIsUnhealthyWithItsStatus(Infra infra) {
        String id = infra.uniqueId("ep");
        SimEndpoint sim = simulator.registerWaha(id,
                new WahaSettings("front", Fixture.token(id), null, null, null, false),
                null, true);
        Endpoint endpoint = fx.endpoint(infra.uniqueId("tenant"), id, ProviderType.WAHA, sim.apiUrl(), "front", true,
                1);

        awaitLatest(endpoint.id(), HealthState.UNHEALTHY);

        assertThat(last(endpoint.id()).lastError()).isEqualTo("session status STOPPED");
    }

    @Test
    void evolutionConnectedButSilentIsCaught(Infra infra) {
        String id = infra.uniqueId("ep");
        SimEndpoint sim = simulator.registerEvolution(id, "front-desk", Fixture.token(id), null, null);
        Endpoint endpoint = fx.endpoint(infra.uniqueId("tenant"), id, ProviderType.EVOLUTION, sim.apiUrl(),
                "front-desk", true, 1);
        awaitLatest(endpoint.id(), HealthState.HEALTHY);
        assertThat(simulator.requests(id)).first().satisfies(r -> {
            assertThat(r.method() + " " + r.path()).isEqualTo("GET /instance/connectionState/front-desk");
            assertThat(r.header("apikey")).isEqualTo(Fixture.token(id));
        });

        // The instance still says "open", but answers only after the probe has given up (timeout 1000 ms).
        simulator.fault(id, Fault.slow(Duration.ofMillis(2500)));
        awaitLatest(endpoint.id(), HealthState.UNHEALTHY);

        assertThat(simulator.sessionStatus(id)).isEqualTo("open");
        assertThat(last(endpoint.id()).lastError())
                .isEqualTo("connected but not answering: no answer within 1000 ms");
        simulator.fault(id, Fault.none());
    }

    @Test
    void failoverEventWhenPrimaryTurnsUnhealthy(Infra infra) {
        String tenant = infra.uniqueId("tenant");
        String a = infra.uniqueId("ep");
        String b = infra.uniqueId("ep");
        SimEndpoint simA = simulator.registerCloudApi(a, Fixture.PHONE_NUMBER_ID, Fixture.token(a),
                Fixture.APP_SECRET, null);
        SimEndpoint simB = simulator.registerCloudApi(b, Fixture.PHONE_NUMBER_ID, Fixture.token(b),
                Fixture.APP_SECRET, null);
        fx.endpoint(tenant, a, ProviderType.CLOUD_API, simA.apiUrl(), null, true, 1);
        fx.endpoint(tenant, b, ProviderType.CLOUD_API, simB.apiUrl(), null, false, 1);
        awaitLatest(a, HealthState.HEALTHY);
        awaitLatest(b, HealthState.HEALTHY);

        simulator.fault(a, Fault.dark());
        awaitLatest(a, HealthState.UNHEALTHY);
        Instant unhealthySince = last(a).changedAt();
        Envelope over = awaitFailoverEvent(tenant, 0);

        assertThat(over.tenantId()).isEqualTo(tenant);
        assertThat(over.type()).isEqualTo("config.changed");
        assertThat(over.payload()).isEqualTo(new ConfigurationChanged("failover", tenant, "failover",
                "primary " + a + " unhealthy since " + unhealthySince + "; in effect " + b));

        simulator.fault(a, Fault.none());
        awaitLatest(a, HealthState.HEALTHY);
        Envelope back = awaitFailoverEvent(tenant, 1);

        ConfigurationChanged failback = (ConfigurationChanged) back.payload();
        assertThat(failback.action()).isEqualTo("failback");
        assertThat(failback.detail()).startsWith("primary " + a + " healthy since ").endsWith("; in effect " + a);
        assertThat(failoverEvents(tenant)).hasSize(2);
    }

    private static List<Records.Entry<Envelope>> failoverEvents(String tenant) {
        return fx.events.poll().stream()
                .filter(e -> tenant.equals(e.key()) && e.value() != null
                        && e.value().payload() instanceof ConfigurationChanged c && c.subject().equals("failover"))
                .toList();
    }

    private static Envelope awaitFailoverEvent(String tenant, int index) {
        await().atMost(Fixture.WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> failoverEvents(tenant).size() > index);
        return failoverEvents(tenant).get(index).value();
    }
}
