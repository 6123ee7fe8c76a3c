package com.booqing.whatsapp.health;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceCommand;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.health.device.SessionApis;
import com.booqing.whatsapp.health.provider.EvolutionSessionApi;
import com.booqing.whatsapp.health.provider.ProviderHttp;
import com.booqing.whatsapp.health.provider.WahaSessionApi;
import com.booqing.whatsapp.testkit.Infra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * What the health monitor's integration tests share: their own topics and consumer groups, a secret box, a
 * producer for the compacted topics the monitor reads, and readers of what it publishes.
 */
final class Fixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String PHONE_NUMBER_ID = "106540352242922";

    final Infra infra;
    final Topics topics;
    final SecretBox box;
    final String groupPrefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    final Records<EndpointHealth> health;
    final Records<Envelope> events;
    final Records<DeviceSession> sessions;
    private final KafkaProducer<byte[], byte[]> producer;
    private final HttpClient http = HttpClient.newHttpClient();
    /** The Cloud API app secret of the simulated numbers (the health monitor never needs it). */
    static final String APP_SECRET = Canaries.text("health-monitor cloud app secret");

    Fixture(Infra infra) {
        this.infra = infra;
        this.topics = infra.newTopics();
        this.box = new SecretBox(Map.of("it", Canaries.key("health-monitor encryption key")));
        this.producer = new KafkaProducer<>(KafkaClients.durableProducer(infra.bootstrapServers(), "it-producer",
                Duration.ofSeconds(20), Duration.ofSeconds(30)), new ByteArraySerializer(), new ByteArraySerializer());
        this.health = new Records<>(infra.bootstrapServers(), topics.endpointHealth());
        this.events = new Records<>(infra.bootstrapServers(), topics.events());
        this.sessions = new Records<>(infra.bootstrapServers(), topics.deviceSessions());
    }

    /** @param timeoutMs WHATSAPP_DEFAULT_TIMEOUT: short, so silent providers are noticed within a test */
    GatewayConfig config(int timeoutMs) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
        env.put("WHATSAPP_DEFAULT_TIMEOUT", Integer.toString(timeoutMs));
        env.put("WHATSAPP_MAX_RECONNECT_ATTEMPTS", "3");
        // The simulator listens on loopback.
        env.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true");
        return GatewayConfig.from(new Env(env));
    }

    HealthMonitor monitor(HealthSettings settings, List<EndpointProbe> probes, int timeoutMs) {
        GatewayConfig config = config(timeoutMs);
        ProviderHttp http = new ProviderHttp(ProviderHttp.httpClient(Duration.ofSeconds(1)),
                EndpointUrlGuard.from(config));
        SessionApis apis = new SessionApis(List.of(new WahaSessionApi(http), new EvolutionSessionApi(http)), box,
                config.defaultTimeout());
        return new HealthMonitor(config, settings.withGroupPrefix(groupPrefix), topics, new Probes(probes, box), apis,
                box, Clock.systemUTC(), new SimpleMeterRegistry()).start();
    }

    static List<EndpointProbe> standardProbes() {
        ProviderHttp http = new ProviderHttp(ProviderHttp.httpClient(Duration.ofSeconds(1)), new EndpointUrlGuard(true));
        return List.of(new CloudApiProbe(http), new WahaProbe(http), new EvolutionProbe(http));
    }

    <V> void put(Topic<String, V> t, String key, V value) {
        try {
            producer.send(new ProducerRecord<>(t.name(), t.keySerde().serializer().serialize(t.name(), key),
                    value == null ? null : t.valueSerde().serializer().serialize(t.name(), value))).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + t.name(), e);
        }
    }

    /**
     * The API key of the simulator endpoint {@code id}: the same for the same id, random across runs, and a
     * secret canary of the audit (issue 9).
     */
    static String token(String id) {
        return Canaries.derived("health-monitor endpoint API key", "token-", id);
    }

    /** An endpoint whose key is {@link #token(String)} of its id, as the simulator endpoints are given. */
    Endpoint endpoint(String tenant, String id, ProviderType provider, String apiUrl, String sessionOrInstance,
                      boolean primary, int weight) {
        Instant now = Instant.now();
        Endpoint e = new Endpoint(id, tenant, id, provider, apiUrl,
                provider == ProviderType.CLOUD_API ? "v23.0" : null,
                provider == ProviderType.CLOUD_API ? PHONE_NUMBER_ID : null,
                provider == ProviderType.WAHA ? sessionOrInstance : null,
                provider == ProviderType.EVOLUTION ? sessionOrInstance : null,
                box.seal(token(id), Endpoint.secretContext(tenant, id, "apiKey")), null, null, true, primary,
                weight, now, now);
        put(topics.endpoints(), id, e);
        return e;
    }

    Device device(String tenant, String id, String endpointId, DeviceStatus status) {
        Instant now = Instant.now();
        Device d = new Device(id, tenant, endpointId, "front desk", null, status, null, null, 0, 0, now, now);
        put(topics.devices(), id, d);
        return d;
    }

    void configuration(TenantConfiguration c) {
        put(topics.tenantConfig(), c.tenantId(), c);
    }

    DeviceCommand command(Device d, DeviceCommand.Action action, String phoneNumber) {
        DeviceCommand c = new DeviceCommand(UUID.randomUUID().toString(), d.tenantId(), d.id(), action, phoneNumber,
                Instant.now());
        put(topics.deviceCommands(), d.id(), c);
        return c;
    }

    List<DeviceEvent> deviceEvents(String deviceId) {
        return events.poll().stream()
                .filter(e -> e.value() != null && e.value().payload() instanceof DeviceEvent d
                        && d.deviceId().equals(deviceId))
                .map(e -> (DeviceEvent) e.value().payload())
                .toList();
    }

    /** Waits for the device's first event (in order) after {@code after} that matches; returns it. */
    DeviceEvent awaitDeviceEvent(String deviceId, int after, Predicate<DeviceEvent> matching) {
        DeviceEvent[] found = new DeviceEvent[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            List<DeviceEvent> all = deviceEvents(deviceId);
            for (int i = after; i < all.size(); i++) {
                if (matching.test(all.get(i))) {
                    found[0] = all.get(i);
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    /** A call straight to a simulated provider, as an operator or the phone would make it. */
    int call(String method, String url, String headerName, String headerValue) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header(headerName, headerValue);
            b.method(method, HttpRequest.BodyPublishers.noBody());
            return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + url + " failed", e);
        }
    }

    @Override
    public void close() {
        health.close();
        events.close();
        sessions.close();
        producer.close(Duration.ofSeconds(5));
    }
}
