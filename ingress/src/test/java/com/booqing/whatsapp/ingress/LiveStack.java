package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.ConfigurationChanged;
import com.booqing.whatsapp.ingress.apikey.ApiKeys;
import com.booqing.whatsapp.ingress.kafka.AckedPublisher;
import com.booqing.whatsapp.ingress.management.NewIds;
import com.booqing.whatsapp.testkit.Infra;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.awaitility.Awaitility.await;

/**
 * The ingress as IngressMain wires it, on the real broker and Redis, with tenants seeded as the processor would
 * leave them (configuration in Redis, endpoints and API keys on their compacted topics), and what the health
 * monitor and the processor would publish for the live stream.
 */
final class LiveStack implements AutoCloseable {
    /** The WAHA HMAC key of every endpoint here. */
    static final String HMAC_KEY = Canaries.text("ingress live WAHA HMAC key");
    static final String ADMIN_KEY = Canaries.text("ingress live admin API key");

    /** A tenant with one WAHA endpoint and a key of its own. */
    record Tenant(String id, String endpointId, String deviceId, String key) {
    }

    final Infra infra;
    final Topics topics;
    final RedisKeys keys;
    final SecretBox box = TestEndpoints.newSecretBox();
    final HttpClient http = AuditedHttpClient.of(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build());
    private final KafkaProducer<byte[], byte[]> producer;
    private final NewIds ids = new NewIds();
    Ingress ingress;

    LiveStack(Infra infra) {
        this.infra = infra;
        this.topics = infra.newTopics();
        this.keys = infra.newRedisKeys();
        this.producer = new KafkaProducer<>(KafkaClients.durableProducer(infra.bootstrapServers(),
                "live-test-" + UUID.randomUUID(), Duration.ofSeconds(10), Duration.ofSeconds(30)));
    }

    /** Seeds a tenant: its configuration in Redis, a WAHA endpoint and a tenant key on their topics. */
    Tenant tenant(String prefix) {
        String tenantId = infra.uniqueId(prefix);
        String endpointId = ids.endpointId();
        Endpoint endpoint = TestEndpoints.endpoint(box, tenantId, endpointId, ProviderType.WAHA, HMAC_KEY,
                null, true);
        publish(topics.endpoints(), endpointId, endpoint);
        ApiKeys.Issued key = ApiKeys.issue(tenantId, Instant.now(), ids);
        publish(topics.apiKeys(), key.key().keyId(), key.key());
        infra.redis().set(keys.config(tenantId), "{\"tenantId\":\"" + tenantId + "\",\"failoverEnabled\":true}");
        return new Tenant(tenantId, endpointId, ids.deviceId(), key.plaintext());
    }

    /** Starts the ingress once the tenants are seeded; returns when its live stream is ready. */
    LiveStack start(Map<String, String> extraEnv, Tenant probe) {
        String prefix = topics.webhooksRaw().name().substring(0, topics.webhooksRaw().name().indexOf("whatsapp."));
        GatewayConfig gateway = GatewayConfig.from(new Env(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "REDIS_URL", infra.redisUrl(),
                "WHATSAPP_TOPIC_PREFIX", prefix,
                "WHATSAPP_REDIS_NAMESPACE", keys.namespace())));
        Map<String, String> env = new HashMap<>(Map.of(
                "INGRESS_HOST", "127.0.0.1", "INGRESS_PORT", "0", "WHATSAPP_ADMIN_API_KEY", ADMIN_KEY));
        env.putAll(extraEnv);
        ingress = new Ingress(IngressConfig.from(new Env(env)), IngressDependencies.production(gateway, box)).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/health", null).statusCode() == 200);
        // The stream answers 503 until the feed has the state and reads events from a fixed position.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            try (SseTestClient c = SseTestClient.open(url("/api/whatsapp/stream/" + probe.id()),
                    Map.of("Authorization", "Bearer " + ADMIN_KEY))) {
                return c.status() == 200;
            }
        });
        return this;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + ingress.port() + path);
    }

    HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(path)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url(path)).POST(HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // --- what the health monitor and the processor publish ---

    void health(Tenant t, HealthState state, Long latencyMs, String lastError) {
        Instant now = Instant.now();
        publish(topics.endpointHealth(), t.endpointId(),
                new EndpointHealth(t.id(), t.endpointId(), state, latencyMs, lastError, now, now, false));
    }

    void device(Tenant t, DeviceStatus status, String qr) {
        Instant now = Instant.now();
        publish(topics.devices(), t.deviceId(), new Device(t.deviceId(), t.id(), t.endpointId(), "Front desk",
                "+31612345678", status, qr, null, 0, 5, now, now));
    }

    /** A device manager's session event, keyed as the health monitor keys it. */
    String deviceEvent(Tenant t, DeviceStatus status, String qr) {
        String eventId = "evt_" + UUID.randomUUID();
        publish(topics.events(), t.id() + ":device:" + t.deviceId(), new Envelope(eventId, t.id(), Instant.now(),
                "health-monitor", new DeviceEvent(t.id(), t.endpointId(), t.deviceId(), status, "SCAN_QR_CODE", qr,
                null, null, Instant.now())));
        return eventId;
    }

    /** The health monitor's failover announcement, keyed by tenant. */
    String failover(Tenant t, String detail) {
        String eventId = "evt_" + UUID.randomUUID();
        publish(topics.events(), t.id(), new Envelope(eventId, t.id(), Instant.now(), "health-monitor",
                new ConfigurationChanged("failover", t.id(), "failover", detail)));
        return eventId;
    }

    <V> void publish(Topic<String, V> topic, String key, V value) {
        try {
            producer.send(AckedPublisher.encode(topic, new ProducerRecord<>(topic.name(), key, value))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing to " + topic.name() + " failed", e.getCause());
        }
    }

    @Override
    public void close() {
        if (ingress != null) {
            ingress.close();
        }
        producer.close(Duration.ofSeconds(5));
        infra.deleteKeys(keys);
    }
}
