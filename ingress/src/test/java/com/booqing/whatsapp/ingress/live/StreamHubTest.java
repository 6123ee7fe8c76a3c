package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.common.tenant.ConfigurationChanged;
import com.booqing.whatsapp.ingress.apikey.ApiKeyDirectory;
import com.booqing.whatsapp.ingress.endpoint.EndpointDirectory;
import com.booqing.whatsapp.ingress.http.Caller;
import com.booqing.whatsapp.ingress.http.TooManyRequestsException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The live stream's state, fan-out and resuming, without HTTP: what each open stream would be sent next. */
class StreamHubTest {
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final String A = "salon-a";
    static final String B = "salon-b";

    final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    final Map<String, ApiKey> keys = new ConcurrentHashMap<>();
    StreamHub hub;

    @AfterEach
    void close() {
        if (hub != null) {
            hub.close();
        }
    }

    StreamHub hub(StreamConfig config) {
        hub = new StreamHub(config, Json.strict(), directory(), keyDirectory(), Runnable::run,
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(2), new SimpleMeterRegistry());
        return hub;
    }

    StreamHub hub() {
        return hub(new StreamConfig(Duration.ofHours(1), 100, 5, 256 * 1024, Duration.ofSeconds(60)));
    }

    @Test
    void aNewStreamStartsWithItsTenantsStateAndNothingOfAnotherTenant() {
        StreamHub hub = hub();
        endpoint(A, "ep_a1", true);
        endpoint(B, "ep_b1", true);
        hub.health(health(A, "ep_a1", HealthState.HEALTHY, 42L), false);
        hub.health(health(B, "ep_b1", HealthState.UNHEALTHY, 900L), false);
        hub.device("dev_a1", device(A, "dev_a1", "ep_a1", DeviceStatus.CONNECTED, null), false);
        hub.device("dev_b1", device(B, "dev_b1", "ep_b1", DeviceStatus.PAIRING, "2@b-secret-ish"), false);

        String sent = hub.open(A, Caller.ADMIN, null, List.of()).pending();

        assertThat(sent).startsWith("retry: 3000\n\nevent: stream.open\ndata: {\"tenantId\":\"salon-a\",\"resumed\":false");
        assertThat(events(sent)).containsExactly("stream.open", "endpoint.health", "device.status");
        assertThat(sent).contains("\"endpointId\":\"ep_a1\"", "\"state\":\"healthy\"", "\"latencyMs\":42",
                "\"deviceId\":\"dev_a1\"", "\"status\":\"connected\"");
        assertThat(sent).doesNotContain("salon-b", "ep_b1", "dev_b1", "2@b");
    }

    @Test
    void changesReachTheOpenStreamsOfTheirTenantOnly() {
        StreamHub hub = hub();
        endpoint(A, "ep_a1", true);
        endpoint(B, "ep_b1", true);
        StreamSession a = hub.open(A, Caller.ADMIN, null, List.of());
        StreamSession b = hub.open(B, Caller.tenant(B, null), null, List.of());
        int aBefore = a.pending().length();
        int bBefore = b.pending().length();

        hub.health(health(A, "ep_a1", HealthState.UNHEALTHY, null), true);
        hub.event(failover(A, "evt-a", "primary ep_a1 unhealthy since then; in effect ep_a2"));
        hub.device("dev_a1", device(A, "dev_a1", "ep_a1", DeviceStatus.DISCONNECTED, null), true);

        String toA = a.pending().substring(aBefore);
        assertThat(events(toA)).containsExactly("endpoint.health", "failover", "device.status");
        assertThat(toA).contains("\"state\":\"unhealthy\"", "\"action\":\"failover\"", "in effect ep_a2");
        assertThat(b.pending().substring(bBefore)).isEmpty();
    }

    @Test
    void healthOfAnEndpointThatIsNotTheTenantsIsNotSent() {
        StreamHub hub = hub();
        endpoint(B, "ep_b1", true);
        StreamSession a = hub.open(A, Caller.ADMIN, null, List.of());
        int before = a.pending().length();

        // The record says tenant A, but the endpoint is B's: the endpoint directory decides.
        hub.health(health(A, "ep_b1", HealthState.HEALTHY, 5L), true);

        assertThat(a.pending().substring(before)).isEmpty();
    }

    @Test
    void aQrCodeIsSentOnceWhetherTheSessionEventOrTheFoldedDeviceBringsIt() {
        StreamHub hub = hub();
        endpoint(A, "ep_a1", true);
        hub.device("dev_a1", device(A, "dev_a1", "ep_a1", DeviceStatus.DISCONNECTED, null), false);
        StreamSession a = hub.open(A, Caller.ADMIN, null, List.of());
        int before = a.pending().length();

        hub.event(deviceEvent(A, "dev_a1", "ep_a1", DeviceStatus.PAIRING, "2@qr-one"));
        hub.device("dev_a1", device(A, "dev_a1", "ep_a1", DeviceStatus.PAIRING, "2@qr-one"), true);
        hub.event(deviceEvent(A, "dev_a1", "ep_a1", DeviceStatus.PAIRING, "2@qr-two"));
        hub.device("dev_a1", device(A, "dev_a1", "ep_a1", DeviceStatus.CONNECTED, null), true);

        String sent = a.pending().substring(before);
        assertThat(events(sent)).containsExactly("device.status", "device.qr", "device.qr", "device.status");
        assertThat(sent).contains("\"raw\":\"2@qr-one\"", "\"raw\":\"2@qr-two\"",
                "\"pngDataUrl\":\"data:image/png;base64,");
        // A new stream of a connected device shows no QR code any more.
        assertThat(hub.open(A, Caller.ADMIN, null, List.of()).pending()).doesNotContain("device.qr", "2@qr");
    }

    @Test
    void aDeviceThatIsPairingShowsItsQrCodeToANewStream() {
        StreamHub hub = hub();
        hub.device("dev_a1", device(A, "dev_a1", "ep_a1", DeviceStatus.PAIRING, "2@pairing-now"), false);

        String sent = hub.open(A, Caller.ADMIN, null, List.of()).pending();

        assertThat(events(sent)).containsExactly("stream.open", "device.status", "device.qr");
        assertThat(sent).contains("\"raw\":\"2@pairing-now\"", "\"status\":\"pairing\"");
    }

    @Test
    void aReconnectingClientGetsExactlyWhatItMissed() {
        StreamHub hub = hub();
        endpoint(A, "ep_a1", true);
        StreamSession first = hub.open(A, Caller.ADMIN, null, List.of());
        hub.event(failover(A, "evt-1", "one"));
        String lastSeen = lastId(first.pending());
        hub.event(failover(A, "evt-2", "two"));
        hub.event(failover(A, "evt-3", "three"));

        String resumed = hub.open(A, Caller.ADMIN, lastSeen, List.of()).pending();
        String fresh = hub.open(A, Caller.ADMIN, "someone-else-7", List.of()).pending();

        assertThat(resumed).contains("\"resumed\":true").contains("evt-2", "evt-3").doesNotContain("evt-1");
        assertThat(events(resumed)).containsExactly("stream.open", "failover", "failover");
        assertThat(fresh).contains("\"resumed\":false", "endpoint.health", "evt-1", "evt-2", "evt-3");
    }

    @Test
    void aNewStreamShowsRecentFailoversFromHistoryAndFromTheFeedOnceEach() {
        StreamHub hub = hub();
        StreamSession watcher = hub.open(A, Caller.ADMIN, null, List.of());
        hub.event(failover(A, "evt-live", "seen live"));
        watcher.end(StreamSession.End.CLIENT_GONE);
        List<Failover> history = List.of(
                new Failover("evt-old", "failover", "from Redis", NOW.minusSeconds(600)),
                new Failover("evt-live", "failover", "seen live", NOW));

        String sent = hub.open(A, Caller.ADMIN, null, history).pending();

        assertThat(events(sent)).containsExactly("stream.open", "failover", "failover");
        assertThat(sent.indexOf("evt-old")).isLessThan(sent.indexOf("evt-live"));
    }

    @Test
    void aClientThatFallsBehindIsDisconnectedWithoutHoldingUpTheFeed() {
        StreamHub hub = hub(new StreamConfig(Duration.ofHours(1), 100, 5, 4 * 1024, Duration.ofSeconds(60)));
        StreamSession slow = hub.open(A, Caller.ADMIN, null, List.of()); // never started: it reads nothing

        long started = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            hub.event(failover(A, "evt-" + i, "x".repeat(100)));
        }

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(slow.ended()).isTrue();
        assertThat(hub.clients()).isZero();
    }

    @Test
    void streamsBeyondTheTenantsLimitAreRefused() {
        StreamHub hub = hub(new StreamConfig(Duration.ofHours(1), 100, 2, 64 * 1024, Duration.ofSeconds(60)));
        hub.open(A, Caller.ADMIN, null, List.of());
        hub.open(A, Caller.ADMIN, null, List.of());

        assertThatThrownBy(() -> hub.open(A, Caller.ADMIN, null, List.of()))
                .isInstanceOf(TooManyRequestsException.class);
        hub.open(B, Caller.ADMIN, null, List.of());
        assertThat(hub.clients()).isEqualTo(3);
    }

    @Test
    void theStreamOfARevokedKeyEndsAtTheNextHeartbeat() {
        StreamHub hub = hub(new StreamConfig(Duration.ofMillis(50), 100, 5, 64 * 1024, Duration.ofSeconds(60)));
        hub.start();
        keys.put("key_0123456789abcdef", new ApiKey("key_0123456789abcdef", A, "wak_key_0123456789abcdef", "00",
                NOW, null));
        StreamSession stream = hub.open(A, Caller.tenant(A, "key_0123456789abcdef"), null, List.of());
        // The request took it over: a stream never taken over is ended for that reason instead.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !stream.ended());

        keys.put("key_0123456789abcdef", new ApiKey("key_0123456789abcdef", A, "wak_key_0123456789abcdef", "00",
                NOW, NOW));

        await().atMost(Duration.ofSeconds(5)).until(stream::ended);
    }

    @Test
    void noFrameCarriesASecretOrAPhoneNumber() {
        StreamHub hub = hub();
        endpoint(A, "ep_a1", true);
        hub.device("dev_a1", device(A, "dev_a1", "ep_a1", DeviceStatus.PAIRING, "2@qr"), false);
        StreamSession a = hub.open(A, Caller.ADMIN, null, List.of());
        hub.health(health(A, "ep_a1", HealthState.HEALTHY, 3L), true);
        hub.device("dev_a1", device(A, "dev_a1", "ep_a1", DeviceStatus.CONNECTED, null), true);

        assertThat(a.pending()).doesNotContain("sealed-", "apiKey", "webhookSecret", "verifyToken", "+31612345678",
                "phoneNumber", "session");
    }

    // --- fixtures ---

    void endpoint(String tenant, String id, boolean primary) {
        endpoints.put(id, new Endpoint(id, tenant, "Endpoint " + id, ProviderType.WAHA, "https://waha.example.com",
                null, null, "default", null, Sealed.of("sealed-api-key-" + id), Sealed.of("sealed-hmac-" + id), null,
                true, primary, 1, NOW, NOW));
    }

    static EndpointHealth health(String tenant, String endpointId, HealthState state, Long latency) {
        return new EndpointHealth(tenant, endpointId, state, latency, null, NOW, NOW, false);
    }

    static Device device(String tenant, String id, String endpointId, DeviceStatus status, String qr) {
        return new Device(id, tenant, endpointId, "Front desk", "+31612345678", status, qr, null, 0, 5, NOW, NOW);
    }

    static Envelope deviceEvent(String tenant, String deviceId, String endpointId, DeviceStatus status, String qr) {
        return new Envelope("evt-" + deviceId + "-" + qr, tenant, NOW, "health-monitor",
                new DeviceEvent(tenant, endpointId, deviceId, status, "SCAN_QR_CODE", qr, null, null, NOW));
    }

    static Envelope failover(String tenant, String eventId, String detail) {
        return new Envelope(eventId, tenant, NOW, "health-monitor",
                new ConfigurationChanged("failover", tenant, "failover", detail));
    }

    /** The event names of the frames, in order. */
    static List<String> events(String sent) {
        Matcher m = Pattern.compile("(?m)^event: (\\S+)$").matcher(sent);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static String lastId(String sent) {
        Matcher m = Pattern.compile("(?m)^id: (\\S+)$").matcher(sent);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        assertThat(last).as("an id in " + sent).isNotNull();
        return last;
    }

    EndpointDirectory directory() {
        return new EndpointDirectory() {
            @Override
            public Optional<Endpoint> find(String endpointId) {
                return Optional.ofNullable(endpoints.get(endpointId));
            }

            @Override
            public List<Endpoint> forTenant(String tenantId) {
                return endpoints.values().stream().filter(e -> e.tenantId().equals(tenantId)).toList();
            }

            @Override
            public boolean isReady() {
                return true;
            }
        };
    }

    ApiKeyDirectory keyDirectory() {
        return new ApiKeyDirectory() {
            @Override
            public Optional<ApiKey> find(String keyId) {
                return Optional.ofNullable(keys.get(keyId));
            }

            @Override
            public List<ApiKey> forTenant(String tenantId) {
                return keys.values().stream().filter(k -> k.tenantId().equals(tenantId)).toList();
            }

            @Override
            public boolean isReady() {
                return true;
            }
        };
    }
}
