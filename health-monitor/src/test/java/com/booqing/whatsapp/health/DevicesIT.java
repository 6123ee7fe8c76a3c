package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceCommand;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.health.device.KeepAlive;
import com.booqing.whatsapp.simulator.PairingTimings;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.evolution.EvolutionSettings;
import com.booqing.whatsapp.simulator.waha.WahaSettings;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The device manager (connect by QR and by pairing code, QR refresh and limit, disconnect, refresh) and device
 * keep-alive (reconnect with backoff, logged-out devices), against the simulator's WAHA and Evolution API.
 */
@KafkaAndRedis
class DevicesIT {
    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final Duration RECONNECT = Duration.ofMillis(200);

    /** QR codes that live long enough for a test to scan them. */
    private static Simulator patient;
    /** QR codes in tens of milliseconds: refreshes and the QR limit within a second. */
    private static Simulator hasty;
    private static Fixture fx;
    private static HealthMonitor monitor;
    private static HeldProbe heldWaha;

    @BeforeAll
    static void start(Infra infra) {
        patient = new Simulator(SimulatorConfig.defaults().withPairing(new PairingTimings(Duration.ofMillis(20),
                Duration.ofSeconds(20), Duration.ofSeconds(20), 6, 30))).start(0);
        hasty = new Simulator(SimulatorConfig.defaults().withPairing(PairingTimings.fast())).start(0);
        fx = new Fixture(infra);
        List<EndpointProbe> probes = Fixture.standardProbes().stream()
                .map(p -> p.provider() == ProviderType.WAHA ? heldWaha = new HeldProbe(p) : p).toList();
        monitor = fx.monitor(new HealthSettings(INTERVAL, new HealthTracker.Thresholds(3, 2, 1000))
                        .withDeviceTimings(RECONNECT, Duration.ofMillis(30), Duration.ofSeconds(3)),
                probes, 3000);
    }

    @AfterAll
    static void stop() {
        if (monitor != null) {
            monitor.close();
        }
        if (fx != null) {
            fx.close();
        }
        if (patient != null) {
            patient.close();
        }
        if (hasty != null) {
            hasty.close();
        }
    }

    private record Setup(Simulator sim, SimEndpoint simEndpoint, Endpoint endpoint, Device device) {
        String id() {
            return endpoint.id();
        }
    }

    private static Setup waha(Infra infra, Simulator sim, boolean paired, DeviceStatus deviceStatus) {
        String id = infra.uniqueId("ep");
        SimEndpoint s = sim.registerWaha(id,
                new WahaSettings("front", Fixture.token(id), null, null, null, paired), null,
                false);
        return withDevice(infra, sim, s, ProviderType.WAHA, "front", deviceStatus);
    }

    private static Setup evolution(Infra infra, Simulator sim, boolean paired, DeviceStatus deviceStatus) {
        String id = infra.uniqueId("ep");
        SimEndpoint s = sim.registerEvolution(id,
                new EvolutionSettings("front-desk", Fixture.token(id), null, null, null,
                null, paired, false, null), null, false);
        return withDevice(infra, sim, s, ProviderType.EVOLUTION, "front-desk", deviceStatus);
    }

    private static Setup withDevice(Infra infra, Simulator sim, SimEndpoint s, ProviderType provider, String session,
                                    DeviceStatus deviceStatus) {
        String tenant = infra.uniqueId("tenant");
        Endpoint e = fx.endpoint(tenant, s.id(), provider, s.apiUrl(), session, true, 1);
        Device d = fx.device(tenant, infra.uniqueId("dev"), e.id(), deviceStatus);
        awaitMonitorSees(d);
        return new Setup(sim, s, e, d);
    }

    private static void awaitMonitorSees(Device d) {
        await().atMost(Fixture.WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> monitor.device(d.id()).filter(d::equals).isPresent());
    }

    private static void deleteWahaSession(Setup s) {
        assertThat(fx.call("DELETE", s.simEndpoint().apiUrl() + "/api/sessions/front", "X-Api-Key",
                Fixture.token(s.id()))).isEqualTo(200);
    }

    /** The device's record as the processor would write it on a webhook's report of {@code status}, dated now. */
    private static Device reportedAs(Setup s, DeviceStatus status) {
        return new Device(s.device().id(), s.device().tenantId(), s.id(), "front desk", null, status, null, null, 0, 0,
                s.device().createdAt(), Instant.now());
    }

    private static List<String> calls(Setup s) {
        return s.sim().requests(s.id()).stream().map(r -> r.method() + " " + r.path()
                + (r.query() == null ? "" : "?" + r.query())).toList();
    }

    private static DeviceEvent awaitEvent(Device d, DeviceStatus status) {
        return fx.awaitDeviceEvent(d.id(), 0, e -> e.status() == status);
    }

    // ---- device manager

    @Test
    void connectByQrPublishesQrAndConnectedAfterScanWithWaha(Infra infra) {
        Setup s = waha(infra, patient, false, DeviceStatus.DISCONNECTED);

        fx.command(s.device(), DeviceCommand.Action.CONNECT, null);
        DeviceEvent pairing = awaitEvent(s.device(), DeviceStatus.PAIRING);

        assertThat(pairing.providerStatus()).isEqualTo("SCAN_QR_CODE");
        assertThat(pairing.qrCode()).isNotBlank();
        assertThat(pairing.pairingCode()).isNull();
        assertThat(pairing.endpointId()).isEqualTo(s.id());
        assertThat(calls(s)).contains("POST /api/sessions/front/start", "GET /api/front/auth/qr?format=raw");

        patient.scanQr(s.id());
        DeviceEvent connected = awaitEvent(s.device(), DeviceStatus.CONNECTED);

        assertThat(connected.providerStatus()).isEqualTo("WORKING");
        Envelope envelope = fx.events.all().stream().map(Records.Entry::value)
                .filter(v -> v.payload().equals(connected)).findFirst().orElseThrow();
        assertThat(envelope.tenantId()).isEqualTo(s.device().tenantId());
        assertThat(envelope.source()).isEqualTo("health-monitor");
        assertThat(fx.events.all()).anySatisfy(e -> {
            assertThat(e.value()).isEqualTo(envelope);
            assertThat(e.key()).isEqualTo(s.device().tenantId() + ":device:" + s.device().id());
        });
        JsonNode session = awaitSession(s.device(), n -> n.path("meId").isTextual());
        assertThat(session.path("session").asText()).isEqualTo("front");
        assertThat(session.path("provider").asText()).isEqualTo("waha");
    }

    @Test
    void connectByQrPublishesQrAndConnectedAfterScanWithEvolution(Infra infra) {
        Setup s = evolution(infra, patient, false, DeviceStatus.DISCONNECTED);

        fx.command(s.device(), DeviceCommand.Action.CONNECT, null);
        DeviceEvent pairing = awaitEvent(s.device(), DeviceStatus.PAIRING);

        assertThat(pairing.qrCode()).isNotBlank();
        assertThat(calls(s)).contains("GET /instance/connect/front-desk");

        patient.scanQr(s.id());
        DeviceEvent connected = awaitEvent(s.device(), DeviceStatus.CONNECTED);
        assertThat(connected.providerStatus()).isEqualTo("open");
    }

    @Test
    void connectWithPhoneNumberReturnsPairingCodeWithWaha(Infra infra) {
        Setup s = waha(infra, patient, false, DeviceStatus.DISCONNECTED);
        // A session that does not exist yet is created.
        assertThat(fx.call("DELETE", s.simEndpoint().apiUrl() + "/api/sessions/front", "X-Api-Key",
                Fixture.token(s.id())))
                .isEqualTo(200);
        patient.clearRequests(s.id());

        fx.command(s.device(), DeviceCommand.Action.CONNECT, "+1 555 010 0200");
        DeviceEvent pairing = awaitEvent(s.device(), DeviceStatus.PAIRING);

        assertThat(pairing.pairingCode()).matches("[A-Z0-9]{4}-[A-Z0-9]{4}");
        RecordedRequest create = find(s, "POST", "/api/sessions");
        assertThat(create.body()).contains("\"name\":\"front\"").contains("\"start\":true");
        RecordedRequest code = find(s, "POST", "/api/front/auth/request-code");
        assertThat(code.body()).isEqualTo("{\"phoneNumber\":\"15550100200\"}");

        patient.confirmPairingCode(s.id(), pairing.pairingCode());
        awaitEvent(s.device(), DeviceStatus.CONNECTED);
    }

    @Test
    void connectWithPhoneNumberReturnsPairingCodeWithEvolution(Infra infra) {
        Setup s = evolution(infra, patient, false, DeviceStatus.DISCONNECTED);
        // An instance that does not exist yet is created, and its token kept, sealed.
        assertThat(fx.call("DELETE", s.simEndpoint().apiUrl() + "/instance/delete/front-desk", "apikey",
                Fixture.token(s.id()))).isEqualTo(200);
        patient.clearRequests(s.id());

        fx.command(s.device(), DeviceCommand.Action.CONNECT, "5511987654321");
        DeviceEvent pairing = awaitEvent(s.device(), DeviceStatus.PAIRING);

        assertThat(pairing.pairingCode()).matches("[A-Z0-9]{8}");
        RecordedRequest create = find(s, "POST", "/instance/create");
        assertThat(create.body()).contains("\"instanceName\":\"front-desk\"", "\"integration\":\"WHATSAPP-BAILEYS\"",
                "\"qrcode\":true", "\"number\":\"5511987654321\"");
        JsonNode session = awaitSession(s.device(), n -> n.path("instanceToken").isTextual());
        assertThat(session.path("session").asText()).isEqualTo("front-desk");

        patient.confirmPairingCode(s.id(), pairing.pairingCode());
        awaitEvent(s.device(), DeviceStatus.CONNECTED);
    }

    @Test
    void qrRefreshPublishesNewQr(Infra infra) {
        Setup s = waha(infra, hasty, false, DeviceStatus.DISCONNECTED);

        fx.command(s.device(), DeviceCommand.Action.CONNECT, null);
        DeviceEvent limit = fx.awaitDeviceEvent(s.device().id(), 0, e -> e.status() == DeviceStatus.ERROR);

        List<String> qrs = fx.deviceEvents(s.device().id()).stream()
                .filter(e -> e.status() == DeviceStatus.PAIRING).map(DeviceEvent::qrCode).toList();
        // Six codes are shown; polling every 30 ms sees most of them (at least a refresh), each published once.
        assertThat(qrs).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(2);
        assertThat(limit.reason()).isEqualTo("QR limit reached: new connect needed");
        assertThat(limit.providerStatus()).isEqualTo("FAILED");
    }

    @Test
    void qrLimitEndsInError(Infra infra) {
        Setup s = evolution(infra, hasty, false, DeviceStatus.DISCONNECTED);

        fx.command(s.device(), DeviceCommand.Action.CONNECT, null);
        DeviceEvent limit = fx.awaitDeviceEvent(s.device().id(), 0, e -> e.status() == DeviceStatus.ERROR);

        assertThat(limit.reason()).isEqualTo("QR limit reached: new connect needed");
        assertThat(hasty.sessionStatus(s.id())).isEqualTo("close");
        assertThat(fx.deviceEvents(s.device().id()).stream().filter(e -> e.status() == DeviceStatus.PAIRING))
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void disconnectLogsOutAndIsNotUndoneByKeepAlive(Infra infra) throws InterruptedException {
        Setup s = waha(infra, patient, true, DeviceStatus.CONNECTED);

        fx.command(s.device(), DeviceCommand.Action.DISCONNECT, null);
        DeviceEvent disconnected = awaitEvent(s.device(), DeviceStatus.DISCONNECTED);

        assertThat(disconnected.providerStatus()).isEqualTo("STOPPED");
        assertThat(calls(s)).contains("POST /api/sessions/front/logout", "POST /api/sessions/front/stop");
        // Several reconnect intervals later, nobody has tried to bring it back.
        Thread.sleep(RECONNECT.multipliedBy(5).toMillis());
        assertThat(calls(s)).doesNotContain("POST /api/sessions/front/restart", "POST /api/sessions/front/start");
        assertThat(patient.sessionStatus(s.id())).isEqualTo("STOPPED");
    }

    @Test
    void refreshStatusPublishesWhatTheProviderSays(Infra infra) {
        // Recorded as connected already, so keep-alive has nothing to say and the event is the refresh's.
        Setup s = evolution(infra, patient, true, DeviceStatus.CONNECTED);

        fx.command(s.device(), DeviceCommand.Action.REFRESH_STATUS, null);
        DeviceEvent refreshed = fx.awaitDeviceEvent(s.device().id(), 0, e -> true);

        assertThat(refreshed.status()).isEqualTo(DeviceStatus.CONNECTED);
        assertThat(refreshed.providerStatus()).isEqualTo("open");
    }

    @Test
    void cloudApiEndpointsHaveNoDevicesToPair(Infra infra) {
        String tenant = infra.uniqueId("tenant");
        Endpoint e = fx.endpoint(tenant, infra.uniqueId("ep"), ProviderType.CLOUD_API, "http://127.0.0.1:1", null,
                true, 1);
        Device d = fx.device(tenant, infra.uniqueId("dev"), e.id(), DeviceStatus.DISCONNECTED);

        fx.command(d, DeviceCommand.Action.CONNECT, null);
        DeviceEvent refused = fx.awaitDeviceEvent(d.id(), 0, ev -> true);

        assertThat(refused.status()).isEqualTo(DeviceStatus.ERROR);
        assertThat(refused.reason()).isEqualTo("cloud-api endpoints have no devices to pair");
    }

    // ---- keep-alive

    @Test
    void reconnectFollowsBackoffScheduleAndStopsAtMax(Infra infra) {
        // A drop the monitor sees itself: the session stops; the first attempt brings it back.
        Setup back = waha(infra, patient, true, DeviceStatus.CONNECTED);
        assertThat(fx.call("POST", back.simEndpoint().apiUrl() + "/api/sessions/front/stop", "X-Api-Key",
                Fixture.token(back.id()))).isEqualTo(201);

        DeviceEvent dropped = awaitEvent(back.device(), DeviceStatus.DISCONNECTED);
        DeviceEvent attempt = awaitEvent(back.device(), DeviceStatus.CONNECTING);
        DeviceEvent connected = awaitEvent(back.device(), DeviceStatus.CONNECTED);

        assertThat(dropped.providerStatus()).isEqualTo("STOPPED");
        assertThat(attempt.reason()).isEqualTo("reconnect attempt 1/3");
        assertThat(Duration.between(dropped.at(), attempt.at())).isGreaterThanOrEqualTo(RECONNECT.minusMillis(5));
        assertThat(connected.at()).isAfter(attempt.at());
        assertThat(calls(back)).contains("POST /api/sessions/front/restart");
        assertThat(patient.sessionStatus(back.id())).isEqualTo("WORKING");

        // A drop reported by webhook (the processor's record), of a session that cannot come back: it is gone.
        Setup gone = waha(infra, patient, true, DeviceStatus.CONNECTED);
        deleteWahaSession(gone);
        Device reported = reportedAs(gone, DeviceStatus.DISCONNECTED);
        fx.put(fx.topics.devices(), reported.id(), reported);

        DeviceEvent gaveUp = fx.awaitDeviceEvent(reported.id(), 0, e -> e.status() == DeviceStatus.ERROR);

        List<DeviceEvent> attempts = fx.deviceEvents(reported.id()).stream()
                .filter(e -> e.status() == DeviceStatus.CONNECTING).toList();
        assertThat(attempts).extracting(DeviceEvent::reason)
                .containsExactly("reconnect attempt 1/3", "reconnect attempt 2/3", "reconnect attempt 3/3");
        assertThat(gaveUp.reason()).isEqualTo("gave up after 3 reconnect attempts");
        // Each wait doubles: 400 ms before attempt 2, 800 ms before 3, 1600 ms before giving up.
        assertGap(attempts.get(0).at(), attempts.get(1).at(), RECONNECT.multipliedBy(2));
        assertGap(attempts.get(1).at(), attempts.get(2).at(), RECONNECT.multipliedBy(4));
        assertGap(attempts.get(2).at(), gaveUp.at(), RECONNECT.multipliedBy(8));
        assertThat(calls(gone).stream().filter(c -> c.equals("POST /api/sessions/front/restart"))).hasSize(3);
    }

    @Test
    void aProbeAnswerAskedForBeforeAReportedDropDoesNotEndTheReconnect(Infra infra) throws Exception {
        Setup gone = waha(infra, patient, true, DeviceStatus.CONNECTED);
        // The next probe of the endpoint reads the session while it still works; its answer is held back.
        CompletableFuture<Void> release = heldWaha.holdNext(gone.id());
        Device reported = reportedAs(gone, DeviceStatus.DISCONNECTED);
        try {
            heldWaha.awaitHeld(Fixture.WAIT);
            deleteWahaSession(gone);
            fx.put(fx.topics.devices(), reported.id(), reported);
            awaitEvent(reported, DeviceStatus.CONNECTING);
        } finally {
            // "WORKING", from before the drop, arrives during the reconnect (and never stays held for other tests)
            release.complete(null);
        }

        DeviceEvent gaveUp = fx.awaitDeviceEvent(reported.id(), 0, e -> e.status() == DeviceStatus.ERROR);
        assertThat(gaveUp.reason()).isEqualTo("gave up after 3 reconnect attempts");
        assertThat(fx.deviceEvents(reported.id())).extracting(DeviceEvent::status)
                .doesNotContain(DeviceStatus.CONNECTED);
    }

    @Test
    void aSessionDeletedAtTheProviderNoLongerShowsAsConnected(Infra infra) throws InterruptedException {
        // No webhook says so: only the health probes find the session gone (404). The tenant has autoReconnect (the
        // default), yet a session that does not exist is not restarted.
        Setup gone = waha(infra, patient, true, DeviceStatus.CONNECTED);
        Instant deleted = Instant.now();
        deleteWahaSession(gone);

        DeviceEvent dropped = awaitEvent(gone.device(), DeviceStatus.DISCONNECTED);

        assertThat(dropped.reason()).isEqualTo(KeepAlive.SESSION_MISSING);
        // Not on the first 404: only once KeepAlive.MISSING_CHECKS probes in a row had found the session gone.
        assertThat(gone.sim().requests(gone.id()).stream()
                .filter(r -> r.method().equals("GET") && r.path().equals("/api/sessions/front"))
                .filter(r -> r.receivedAt().isAfter(deleted) && !r.receivedAt().isAfter(dropped.at())))
                .hasSizeGreaterThanOrEqualTo(KeepAlive.MISSING_CHECKS);
        Thread.sleep(RECONNECT.multipliedBy(5).toMillis());
        assertThat(fx.deviceEvents(gone.device().id())).extracting(DeviceEvent::status)
                .containsExactly(DeviceStatus.DISCONNECTED);
        assertThat(calls(gone)).doesNotContain("POST /api/sessions/front/restart");
    }

    @Test
    void anInstanceDeletedAtEvolutionNoLongerShowsAsConnected(Infra infra) {
        Setup gone = evolution(infra, patient, true, DeviceStatus.CONNECTED);
        assertThat(fx.call("DELETE", gone.simEndpoint().apiUrl() + "/instance/delete/front-desk", "apikey",
                Fixture.token(gone.id()))).isEqualTo(200);

        DeviceEvent dropped = awaitEvent(gone.device(), DeviceStatus.DISCONNECTED);

        assertThat(dropped.reason()).isEqualTo(KeepAlive.SESSION_MISSING);
        assertThat(calls(gone)).doesNotContain("POST /instance/restart/front-desk", "GET /instance/connect/front-desk");
    }

    @Test
    void aProbeAnswerAskedForBeforeAReportedDropDoesNotShowTheDeviceConnectedAgain(Infra infra) throws Exception {
        // As above, but with no reconnect running (autoReconnect off): the stale "WORKING" is all there is.
        Setup gone = waha(infra, patient, true, DeviceStatus.CONNECTED);
        noAutoReconnect(gone.device().tenantId());
        CompletableFuture<Void> release = heldWaha.holdNext(gone.id());
        Device reported;
        try {
            heldWaha.awaitHeld(Fixture.WAIT);
            deleteWahaSession(gone);
            // Dated as a webhook would date it: when the session went, after the held probe was answered.
            reported = reportedAs(gone, DeviceStatus.DISCONNECTED);
            fx.put(fx.topics.devices(), reported.id(), reported);
            awaitMonitorSees(reported);
        } finally {
            release.complete(null);
        }

        // The held answer and several later probes (each finding the session gone) have been seen by then.
        Thread.sleep(INTERVAL.multipliedBy(10).toMillis());
        assertThat(fx.deviceEvents(reported.id())).extracting(DeviceEvent::status)
                .doesNotContain(DeviceStatus.CONNECTED);
    }

    /** Turns the tenant's autoReconnect off and waits until the monitor knows. */
    private static void noAutoReconnect(String tenantId) {
        Instant now = Instant.now();
        TenantConfiguration c = new TenantConfiguration(tenantId, null, true, false, 1, 0, 3, 30_000, now, now);
        fx.configuration(c);
        await().atMost(Fixture.WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> monitor.configuration(tenantId).filter(c::equals).isPresent());
    }

    /** A probe whose answer for one endpoint, once the provider gave it, can be held back: late on the wire. */
    private static final class HeldProbe implements EndpointProbe {
        private final EndpointProbe delegate;
        private final AtomicReference<String> armed = new AtomicReference<>();
        private volatile CompletableFuture<Void> gate = new CompletableFuture<>();
        private volatile CountDownLatch held = new CountDownLatch(1);

        HeldProbe(EndpointProbe delegate) {
            this.delegate = delegate;
        }

        /** Holds the answer of the endpoint's next probe until the returned future completes. */
        CompletableFuture<Void> holdNext(String endpointId) {
            gate = new CompletableFuture<>();
            held = new CountDownLatch(1);
            armed.set(endpointId);
            return gate;
        }

        void awaitHeld(Duration timeout) throws InterruptedException {
            assertThat(held.await(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("a probe was answered").isTrue();
        }

        @Override
        public ProviderType provider() {
            return delegate.provider();
        }

        @Override
        public CompletableFuture<ProbeResult> probe(Endpoint endpoint, String secretApiKey, Duration timeout) {
            CompletableFuture<ProbeResult> answer = delegate.probe(endpoint, secretApiKey, timeout);
            String armedFor = armed.get();
            // compareAndSet compares references: the armed id itself, not the equal one this record carries.
            if (!endpoint.id().equals(armedFor) || !armed.compareAndSet(armedFor, null)) {
                return answer;
            }
            CompletableFuture<Void> release = gate;
            CountDownLatch answered = held;
            // Held once the provider has answered: that answer is what was true when the probe asked.
            return answer.whenComplete((result, error) -> answered.countDown())
                    .thenCombine(release, (result, released) -> result);
        }
    }

    private static void assertGap(Instant from, Instant to, Duration expected) {
        assertThat(Duration.between(from, to)).isBetween(expected.minusMillis(5), expected.plusMillis(600));
    }

    @Test
    void loggedOutDeviceAsksForNewQrInsteadOfRetrying(Infra infra) throws InterruptedException {
        // WAHA: the phone unlinks the session, which starts again showing a QR code.
        Setup waha = waha(infra, patient, true, DeviceStatus.CONNECTED);
        assertThat(fx.call("POST", waha.simEndpoint().apiUrl() + "/api/sessions/front/logout", "X-Api-Key",
                Fixture.token(waha.id()))).isEqualTo(201);

        DeviceEvent error = awaitEvent(waha.device(), DeviceStatus.ERROR);

        assertThat(error.reason()).isEqualTo("logged out: new QR scan needed");
        assertThat(error.providerStatus()).isEqualTo("SCAN_QR_CODE");

        // Evolution: the processor has turned connection.update close/401 into ERROR; the instance is closed.
        Setup evo = evolution(infra, patient, true, DeviceStatus.CONNECTED);
        Device loggedOut = reportedAs(evo, DeviceStatus.ERROR);
        fx.put(fx.topics.devices(), loggedOut.id(), loggedOut);
        awaitMonitorSees(loggedOut);
        assertThat(fx.call("DELETE", evo.simEndpoint().apiUrl() + "/instance/logout/front-desk", "apikey",
                Fixture.token(evo.id()))).isEqualTo(200);

        Thread.sleep(RECONNECT.multipliedBy(6).toMillis());
        assertThat(calls(waha)).doesNotContain("POST /api/sessions/front/restart", "POST /api/sessions/front/start");
        assertThat(calls(evo)).doesNotContain("POST /instance/restart/front-desk", "GET /instance/connect/front-desk");
        assertThat(fx.deviceEvents(waha.device().id()).stream().map(DeviceEvent::reason))
                .noneMatch(r -> r != null && r.startsWith("reconnect attempt"));
        assertThat(fx.deviceEvents(evo.device().id())).isEmpty();
    }

    // ---- helpers

    private static RecordedRequest find(Setup s, String method, String path) {
        return s.sim().requests(s.id()).stream().filter(r -> r.method().equals(method) && r.path().equals(path))
                .findFirst().orElseThrow(() -> new AssertionError("no " + method + " " + path + " in " + calls(s)));
    }

    /** The device's latest stored session, opened; waits until it satisfies {@code ready}. */
    private static JsonNode awaitSession(Device d, java.util.function.Predicate<JsonNode> ready) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Fixture.WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            Optional<DeviceSession> last = fx.sessions.poll().stream()
                    .filter(e -> d.id().equals(e.key()) && e.value() != null).map(Records.Entry::value)
                    .reduce((a, b) -> b);
            if (last.isEmpty()) {
                return false;
            }
            String token = last.get().data().token();
            // Sealed: nothing of the session readable in the record itself.
            assertThat(token).startsWith("v1.it.").doesNotContain("front");
            byte[] clear = fx.box.open(last.get().data(), DeviceSession.context(d.tenantId(), d.id()));
            found[0] = Json.lenient().readTree(new String(clear, StandardCharsets.UTF_8));
            return ready.test(found[0]);
        });
        return found[0];
    }
}
