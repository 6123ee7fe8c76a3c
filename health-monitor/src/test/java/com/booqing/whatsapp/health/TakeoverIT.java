package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceCommand;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.simulator.PairingTimings;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.waha.WahaSettings;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two monitor instances; the one that follows a device (reconnecting it, or watching it pair) is stopped, and the
 * other carries on from what the first recorded, instead of starting over or dropping it.
 */
@KafkaAndRedis
class TakeoverIT {
    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Duration RECONNECT = Duration.ofMillis(500);
    private static final Duration QR_POLL = Duration.ofMillis(50);

    private static HealthSettings settings() {
        return new HealthSettings(INTERVAL, new HealthTracker.Thresholds(3, 2, 1000))
                .withDeviceTimings(RECONNECT, QR_POLL, Duration.ofSeconds(3));
    }

    @Test
    void reconnectCarriesOnWithTheNextAttemptWhenItsOwnerStops(Infra infra) {
        try (Simulator sim = new Simulator(SimulatorConfig.defaults()).start(0); Fixture fx = new Fixture(infra)) {
            HealthMonitor a = fx.monitor(settings(), Fixture.standardProbes(), 3000);
            HealthMonitor b = fx.monitor(settings(), Fixture.standardProbes(), 3000);
            try {
                awaitSplit(fx.topics.endpoints().partitions(), () -> a.ownedPartitions(), () -> b.ownedPartitions());
                String tenant = infra.uniqueId("tenant");
                String id = infra.uniqueId("ep");
                SimEndpoint s = sim.registerWaha(id,
                        new WahaSettings("front", Fixture.token(id), null, null, null, true),
                        null, false);
                Endpoint e = fx.endpoint(tenant, id, ProviderType.WAHA, s.apiUrl(), "front", true, 1);
                Device connected = fx.device(tenant, infra.uniqueId("dev"), e.id(), DeviceStatus.CONNECTED);
                await().atMost(Fixture.WAIT).until(() -> a.device(connected.id()).isPresent()
                        && b.device(connected.id()).isPresent());
                HealthMonitor owner = a.owns(id) ? a : b;
                HealthMonitor other = owner == a ? b : a;
                // The session is gone for good, so every attempt fails; the drop comes as a webhook would report it.
                assertThat(fx.call("DELETE", s.apiUrl() + "/api/sessions/front", "X-Api-Key", Fixture.token(id)))
                        .isEqualTo(200);
                fx.put(fx.topics.devices(), connected.id(), new Device(connected.id(), tenant, id, "front desk", null,
                        DeviceStatus.DISCONNECTED, null, null, 0, 0, connected.createdAt(), Instant.now()));

                DeviceEvent second = fx.awaitDeviceEvent(connected.id(), 0, reason("reconnect attempt 2/3"));
                JsonNode before = awaitSession(fx, connected, n -> n.path("reconnect").path("attempts").asInt() == 2);
                owner.close();

                DeviceEvent third = fx.awaitDeviceEvent(connected.id(), 0, reason("reconnect attempt 3/3"));
                DeviceEvent gaveUp = fx.awaitDeviceEvent(connected.id(), 0, ev -> ev.status() == DeviceStatus.ERROR);

                assertThat(other.owns(id)).isTrue();
                List<String> attempts = fx.deviceEvents(connected.id()).stream()
                        .filter(ev -> ev.status() == DeviceStatus.CONNECTING).map(DeviceEvent::reason).toList();
                // Neither started over at 1 nor repeated 2: the count carried on.
                assertThat(attempts).containsExactly("reconnect attempt 1/3", "reconnect attempt 2/3",
                        "reconnect attempt 3/3");
                assertThat(gaveUp.reason()).isEqualTo("gave up after 3 reconnect attempts");
                // The backoff carried on too: attempt 3 waited its 4 × 500 ms after attempt 2, and giving up 8 ×.
                assertThat(Duration.between(second.at(), third.at())).isGreaterThanOrEqualTo(
                        RECONNECT.multipliedBy(4).minusMillis(20));
                assertThat(Duration.between(third.at(), gaveUp.at())).isGreaterThanOrEqualTo(
                        RECONNECT.multipliedBy(8).minusMillis(20));
                assertThat(sim.requests(id).stream().filter(r -> r.method().equals("POST")
                        && r.path().equals("/api/sessions/front/restart"))).hasSize(3);
                // The survivor recorded attempt 3 as part of the same episode (same start, so the same event
                // ids), and cleared the progress once the episode was over.
                JsonNode after = awaitSession(fx, connected, n -> n.path("reconnect").isNull()
                        || n.path("reconnect").isMissingNode());
                assertThat(after.path("session").asText()).isEqualTo("front");
                JsonNode episode = before.path("reconnect");
                assertThat(sessionHistory(fx, connected)).filteredOn(n -> n.path("reconnect").isObject())
                        .allSatisfy(n -> assertThat(n.path("reconnect").path("startedAt"))
                                .isEqualTo(episode.path("startedAt")))
                        .anySatisfy(n -> assertThat(n.path("reconnect").path("attempts").asInt()).isEqualTo(3));
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    void pairingKeepsRefreshingQrCodesWhenItsOwnerStops(Infra infra) {
        PairingTimings slowQr = new PairingTimings(Duration.ofMillis(20), Duration.ofMillis(2_000),
                Duration.ofMillis(2_000), 6, 30);
        try (Simulator sim = new Simulator(SimulatorConfig.defaults().withPairing(slowQr)).start(0);
             Fixture fx = new Fixture(infra)) {
            HealthMonitor a = fx.monitor(settings(), Fixture.standardProbes(), 3000);
            HealthMonitor b = fx.monitor(settings(), Fixture.standardProbes(), 3000);
            try {
                awaitSplit(fx.topics.deviceCommands().partitions(), () -> a.deviceCommandPartitions(),
                        () -> b.deviceCommandPartitions());
                String tenant = infra.uniqueId("tenant");
                String id = infra.uniqueId("ep");
                SimEndpoint s = sim.registerWaha(id, new WahaSettings("front", Fixture.token(id), null, null, null,
                        false), null, false);
                Endpoint e = fx.endpoint(tenant, id, ProviderType.WAHA, s.apiUrl(), "front", true, 1);
                Device d = fx.device(tenant, infra.uniqueId("dev"), e.id(), DeviceStatus.DISCONNECTED);
                await().atMost(Fixture.WAIT).until(() -> a.device(d.id()).isPresent() && b.device(d.id()).isPresent());

                fx.command(d, DeviceCommand.Action.CONNECT, null);
                DeviceEvent first = fx.awaitDeviceEvent(d.id(), 0, ev -> ev.status() == DeviceStatus.PAIRING);
                await().atMost(Fixture.WAIT).until(() -> a.followsPairing(d.id()) || b.followsPairing(d.id()));
                HealthMonitor owner = a.followsPairing(d.id()) ? a : b;
                HealthMonitor other = owner == a ? b : a;
                JsonNode before = awaitSession(fx, d, n -> n.path("pairing").path("since").isTextual());
                owner.close();
                Set<String> shownBefore = new HashSet<>();
                fx.deviceEvents(d.id()).forEach(ev -> shownBefore.add(ev.qrCode()));
                int seen = fx.deviceEvents(d.id()).size();

                // The next QR code the provider shows is published by the instance still running.
                DeviceEvent refreshed = fx.awaitDeviceEvent(d.id(), seen, ev -> ev.status() == DeviceStatus.PAIRING
                        && !shownBefore.contains(ev.qrCode()));
                assertThat(other.followsPairing(d.id())).isTrue();
                assertThat(refreshed.qrCode()).isNotEqualTo(first.qrCode());

                sim.scanQr(id);
                DeviceEvent connected = fx.awaitDeviceEvent(d.id(), seen,
                        ev -> ev.status() == DeviceStatus.CONNECTED);
                assertThat(connected.providerStatus()).isEqualTo("WORKING");
                awaitSession(fx, d, n -> n.path("pairing").isNull() || n.path("pairing").isMissingNode());
                await().atMost(Fixture.WAIT).until(() -> !other.followsPairing(d.id()));
                // One pairing throughout, not a new one per owner: its start (and so its timeout) is the original.
                assertThat(sessionHistory(fx, d)).filteredOn(n -> n.path("pairing").isObject())
                        .allSatisfy(n -> assertThat(n.path("pairing")).isEqualTo(before.path("pairing")));
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static Predicate<DeviceEvent> reason(String reason) {
        return ev -> ev.status() == DeviceStatus.CONNECTING && reason.equals(ev.reason());
    }

    /** Waits until both instances are in the group and share all {@code partitions} between them. */
    private static void awaitSplit(int partitions, java.util.function.IntSupplier a, java.util.function.IntSupplier b) {
        await().atMost(Fixture.WAIT).pollInterval(Duration.ofMillis(50)).until(() -> a.getAsInt() > 0
                && b.getAsInt() > 0 && a.getAsInt() + b.getAsInt() == partitions);
    }

    /** The device's latest stored session data, opened; waits until it satisfies {@code ready}. */
    private static JsonNode awaitSession(Fixture fx, Device d, Predicate<JsonNode> ready) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Fixture.WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<JsonNode> all = sessionHistory(fx, d);
            found[0] = all.isEmpty() ? null : all.get(all.size() - 1);
            return found[0] != null && ready.test(found[0]);
        });
        return found[0];
    }

    /** Every session record of the device published so far, opened, oldest first. */
    private static List<JsonNode> sessionHistory(Fixture fx, Device d) {
        return fx.sessions.poll().stream().filter(e -> d.id().equals(e.key()) && e.value() != null)
                .map(e -> open(fx, d, e.value())).toList();
    }

    private static JsonNode open(Fixture fx, Device d, DeviceSession s) {
        try {
            byte[] clear = fx.box.open(s.data(), DeviceSession.context(d.tenantId(), d.id()));
            return Json.lenient().readTree(new String(clear, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("session record of " + d.id() + " does not open", e);
        }
    }
}
