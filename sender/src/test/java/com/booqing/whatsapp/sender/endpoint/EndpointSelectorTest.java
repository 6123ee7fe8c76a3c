package com.booqing.whatsapp.sender.endpoint;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.sender.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointSelectorTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final SecretBox box = Fixtures.secretBox();
    private final EndpointSelector selector = new EndpointSelector();
    private final Map<String, HealthState> health = new HashMap<>();

    private final Endpoint primary = endpoint("ep_primary", true, true, T0);
    private final Endpoint backup1 = endpoint("ep_backup1", false, true, T0.plusSeconds(10));
    private final Endpoint backup2 = endpoint("ep_backup2", false, true, T0.plusSeconds(20));
    private final List<Endpoint> all = List.of(backup2, primary, backup1);

    private Endpoint endpoint(String id, boolean isPrimary, boolean active, Instant created) {
        return Fixtures.endpoint(box, id, Fixtures.TENANT, ProviderType.CLOUD_API, "https://graph.example", "t",
                active, isPrimary, created);
    }

    private static TenantConfiguration config(String primaryId, boolean failover) {
        return new TenantConfiguration(Fixtures.TENANT, primaryId, failover, true, 30, 60, 3, 30_000, T0, T0);
    }

    private Selection select(SendCommand command, Optional<TenantConfiguration> configuration, List<Endpoint> endpoints) {
        return selector.select(command, configuration, endpoints, id -> health.getOrDefault(id, HealthState.UNKNOWN));
    }

    private Selection select(TenantConfiguration configuration) {
        return select(Fixtures.text(Fixtures.RECIPIENT, "hi"), Optional.of(configuration), all);
    }

    private static Endpoint chosen(Selection s) {
        assertThat(s).isInstanceOf(Selection.Chosen.class);
        return ((Selection.Chosen) s).endpoint();
    }

    @Test
    void primaryWhileHealthy() {
        health.put("ep_primary", HealthState.HEALTHY);
        health.put("ep_backup1", HealthState.HEALTHY);

        Selection s = select(config(null, true));

        assertThat(chosen(s).id()).isEqualTo("ep_primary");
        assertThat(((Selection.Chosen) s).fallbacks()).extracting(Endpoint::id).containsExactly("ep_backup1", "ep_backup2");
    }

    @Test
    void primaryWhileItsHealthIsStillUnknown() {
        health.put("ep_backup1", HealthState.HEALTHY);

        assertThat(chosen(select(config(null, true))).id()).isEqualTo("ep_primary");
    }

    @Test
    void configuredPrimaryIdWinsOverTheEndpointFlag() {
        assertThat(chosen(select(config("ep_backup2", true))).id()).isEqualTo("ep_backup2");
    }

    @Test
    void failsOverToNextHealthyWhenPrimaryUnhealthy() {
        health.put("ep_primary", HealthState.UNHEALTHY);
        health.put("ep_backup1", HealthState.UNKNOWN);
        health.put("ep_backup2", HealthState.HEALTHY);

        Selection s = select(config(null, true));

        assertThat(chosen(s).id()).isEqualTo("ep_backup2");
        assertThat(((Selection.Chosen) s).fallbacks()).extracting(Endpoint::id).containsExactly("ep_backup1");
    }

    @Test
    void failsOverWhenPrimaryIsInactive() {
        Endpoint inactivePrimary = endpoint("ep_primary", true, false, T0);

        Selection s = select(Fixtures.text(Fixtures.RECIPIENT, "hi"), Optional.of(config(null, true)),
                List.of(inactivePrimary, backup1));

        assertThat(chosen(s).id()).isEqualTo("ep_backup1");
    }

    @Test
    void noFailoverWhenDisabled() {
        health.put("ep_primary", HealthState.UNHEALTHY);
        health.put("ep_backup1", HealthState.HEALTHY);

        Selection s = select(config(null, false));

        assertThat(s).isInstanceOf(Selection.NoEndpoint.class);
        assertThat(((Selection.NoEndpoint) s).code()).isEqualTo(EndpointSelector.NO_HEALTHY_ENDPOINT);
    }

    @Test
    void healthyPrimaryHasNoFallbacksWhenFailoverIsDisabled() {
        Selection s = select(config(null, false));

        assertThat(chosen(s).id()).isEqualTo("ep_primary");
        assertThat(((Selection.Chosen) s).fallbacks()).isEmpty();
    }

    @Test
    void failsWhenEveryEndpointIsUnhealthy() {
        all.forEach(e -> health.put(e.id(), HealthState.UNHEALTHY));

        assertThat(select(config(null, true))).isInstanceOf(Selection.NoEndpoint.class);
    }

    @Test
    void usesTheNamedEndpointEvenIfUnhealthy() {
        health.put("ep_backup1", HealthState.UNHEALTHY);
        SendCommand pinned = new SendCommand(null, Fixtures.TENANT, null, "ep_backup1", Fixtures.RECIPIENT,
                new MessageContent.Text("hi", null), "k", null, null);

        assertThat(chosen(select(pinned, Optional.of(config(null, true)), all)).id()).isEqualTo("ep_backup1");
    }

    @Test
    void refusesAnEndpointOfAnotherTenant() {
        Endpoint foreign = Fixtures.endpoint(box, "ep_foreign", "other", ProviderType.CLOUD_API, "https://x", "t",
                true, true, T0);
        SendCommand pinned = new SendCommand(null, Fixtures.TENANT, null, "ep_foreign", Fixtures.RECIPIENT,
                new MessageContent.Text("hi", null), "k", null, null);

        Selection s = select(pinned, Optional.empty(), List.of(primary, foreign));

        assertThat(((Selection.NoEndpoint) s).code()).isEqualTo(EndpointSelector.ENDPOINT_NOT_FOUND);
    }

    @Test
    void neverChoosesAnotherTenantsEndpoint() {
        Endpoint foreign = Fixtures.endpoint(box, "ep_foreign", "other", ProviderType.CLOUD_API, "https://x", "t",
                true, true, T0);

        assertThat(select(Fixtures.text(Fixtures.RECIPIENT, "hi"), Optional.empty(), List.of(foreign)))
                .isEqualTo(new Selection.NoEndpoint(EndpointSelector.NO_ENDPOINT, "tenant has no endpoints"));
    }

    @Test
    void withoutPrimaryUsesTheFirstUsableEndpoint() {
        health.put("ep_backup1", HealthState.UNHEALTHY);

        Selection s = select(Fixtures.text(Fixtures.RECIPIENT, "hi"), Optional.empty(), List.of(backup2, backup1));

        assertThat(chosen(s).id()).isEqualTo("ep_backup2");
    }

    @Test
    void spreadsOverEndpointsOfEqualRankByWeightSmoothly() {
        SmoothWeightedRoundRobin wrr = new SmoothWeightedRoundRobin();
        EndpointSelector balancing = new EndpointSelector(wrr);
        List<Endpoint> pool = List.of(weighted(endpoint("ep_a", false, true, T0), 5),
                weighted(endpoint("ep_b", false, true, T0.plusSeconds(1)), 1),
                weighted(endpoint("ep_c", false, true, T0.plusSeconds(2)), 1));
        Map<String, Integer> counts = new HashMap<>();
        StringBuilder order = new StringBuilder();

        for (int i = 0; i < 7; i++) {
            Endpoint e = chosen(balancing.select(Fixtures.text(Fixtures.RECIPIENT, "hi"), Optional.empty(), pool,
                    id -> HealthState.HEALTHY));
            counts.merge(e.id(), 1, Integer::sum);
            order.append(e.id().substring(3));
        }

        assertThat(counts).containsEntry("ep_a", 5).containsEntry("ep_b", 1).containsEntry("ep_c", 1);
        // Smooth: the light endpoints are spread between the heavy one's turns, not bunched at the end.
        assertThat(order.toString()).isEqualTo("aabacaa");
    }

    @Test
    void balancesAmongTheBackupsWhenThePrimaryIsDown() {
        health.put("ep_primary", HealthState.UNHEALTHY);
        health.put("ep_backup1", HealthState.HEALTHY);
        health.put("ep_backup2", HealthState.HEALTHY);
        Map<String, Integer> counts = new HashMap<>();

        for (int i = 0; i < 4; i++) {
            counts.merge(chosen(select(config(null, true))).id(), 1, Integer::sum);
        }

        assertThat(counts).containsEntry("ep_backup1", 2).containsEntry("ep_backup2", 2);
    }

    @Test
    void healthyEndpointsAreBalancedBeforeUnknownOnes() {
        health.put("ep_backup2", HealthState.HEALTHY);

        for (int i = 0; i < 3; i++) {
            Selection s = selector.select(Fixtures.text(Fixtures.RECIPIENT, "hi"), Optional.empty(),
                    List.of(backup1, backup2), id -> health.getOrDefault(id, HealthState.UNKNOWN));
            assertThat(chosen(s).id()).isEqualTo("ep_backup2");
            assertThat(((Selection.Chosen) s).fallbacks()).extracting(Endpoint::id).containsExactly("ep_backup1");
        }
    }

    @Test
    void avoidsThePrimaryWhileItsCircuitIsOpenAndKeepsItLastForAProbe() {
        Selection s = selector.select(Fixtures.text(Fixtures.RECIPIENT, "hi"), Optional.of(config(null, true)), all,
                id -> HealthState.UNKNOWN, id -> Optional.empty(), id -> id.equals("ep_primary"));

        assertThat(chosen(s).id()).isIn("ep_backup1", "ep_backup2");
        assertThat(((Selection.Chosen) s).fallbacks()).extracting(Endpoint::id).endsWith("ep_primary");
    }

    @Test
    void primaryWithAnOpenCircuitStaysTheEndpointWhenFailoverIsDisabled() {
        Selection s = selector.select(Fixtures.text(Fixtures.RECIPIENT, "hi"), Optional.of(config(null, false)), all,
                id -> HealthState.UNKNOWN, id -> Optional.empty(), id -> id.equals("ep_primary"));

        assertThat(chosen(s).id()).isEqualTo("ep_primary");
        assertThat(((Selection.Chosen) s).fallbacks()).isEmpty();
    }

    @Test
    void deviceMessagesArePinnedToTheDevicesEndpoint() {
        Device device = new Device("dev_1", Fixtures.TENANT, "ep_backup2", "desk", null, DeviceStatus.CONNECTED, null,
                null, 0, 5, T0, T0);
        SendCommand viaDevice = new SendCommand(null, Fixtures.TENANT, "dev_1", null, Fixtures.RECIPIENT,
                new MessageContent.Text("hi", null), "k", null, null);
        health.put("ep_backup2", HealthState.UNHEALTHY);

        Selection s = selector.select(viaDevice, Optional.of(config(null, true)), all,
                id -> health.getOrDefault(id, HealthState.UNKNOWN), id -> Optional.of(device).filter(
                        d -> d.id().equals(id)), id -> false);

        assertThat(chosen(s).id()).isEqualTo("ep_backup2");
        assertThat(((Selection.Chosen) s).fallbacks()).isEmpty();
        assertThat(selector.lane(viaDevice, Optional.empty(), all, id -> Optional.of(device))).isEqualTo("ep_backup2");
    }

    @Test
    void deviceAndEndpointThatDisagreeAreRefused() {
        Device device = new Device("dev_1", Fixtures.TENANT, "ep_backup2", "desk", null, DeviceStatus.CONNECTED, null,
                null, 0, 5, T0, T0);
        SendCommand both = new SendCommand(null, Fixtures.TENANT, "dev_1", "ep_backup1", Fixtures.RECIPIENT,
                new MessageContent.Text("hi", null), "k", null, null);

        Selection s = selector.select(both, Optional.empty(), all, id -> HealthState.UNKNOWN,
                id -> Optional.of(device), id -> false);

        assertThat(((Selection.NoEndpoint) s).code()).isEqualTo(EndpointSelector.DEVICE_ENDPOINT_MISMATCH);
    }

    @Test
    void laneIsThePrimaryOrOneLanePerTenantWithoutOne() {
        SendCommand command = Fixtures.text(Fixtures.RECIPIENT, "hi");

        assertThat(selector.lane(command, Optional.empty(), all, id -> Optional.empty())).isEqualTo("ep_primary");
        assertThat(selector.lane(command, Optional.empty(), List.of(backup1, backup2), id -> Optional.empty()))
                .isEqualTo(EndpointSelector.TENANT_LANE_PREFIX + Fixtures.TENANT);
    }

    private static Endpoint weighted(Endpoint e, int weight) {
        return new Endpoint(e.id(), e.tenantId(), e.name(), e.provider(), e.apiUrl(), e.apiVersion(),
                e.phoneNumberId(), e.sessionName(), e.instanceName(), e.apiKey(), e.webhookSecret(), e.verifyToken(),
                e.isActive(), e.isPrimary(), weight, e.createdAt(), e.updatedAt());
    }
}
