package com.booqing.whatsapp.reliability.attack;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.TopicBootstrap;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.metrics.Meters;
import com.booqing.whatsapp.common.metrics.MetricsSettings;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.ingress.Ingress;
import com.booqing.whatsapp.ingress.IngressConfig;
import com.booqing.whatsapp.ingress.IngressDependencies;
import com.booqing.whatsapp.processor.Processor;
import com.booqing.whatsapp.processor.config.ProcessorConfig;
import com.booqing.whatsapp.sender.Sender;
import com.booqing.whatsapp.sender.SenderSettings;
import com.booqing.whatsapp.sender.delivery.Sleeper;
import com.booqing.whatsapp.sender.idempotency.RedisIdempotencyStore;
import com.booqing.whatsapp.sender.provider.CloudApiAdapter;
import com.booqing.whatsapp.sender.provider.EvolutionAdapter;
import com.booqing.whatsapp.sender.provider.WahaAdapter;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.testkit.Infra;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import redis.clients.jedis.JedisPooled;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The gateway under attack, in this JVM: the real processor, ingress and sender on testkit's broker and Redis,
 * the simulator as the WhatsApp servers behind the seeded endpoints. Trimmed from e2e's Pipeline.
 *
 * <p>The ingress runs as production does: private endpoint URLs refused ({@code WHATSAPP_ALLOW_PRIVATE_ENDPOINTS}
 * unset), so the SSRF rows see the production guard. Only the sender, which must reach the simulator on loopback,
 * allows private addresses. The body limit, idle timeout and head deadline are lowered so the limit and slow-client
 * rows run fast.
 */
final class AttackGateway implements AutoCloseable {
    static final String ADMIN_KEY = Canaries.text("attack admin API key");
    static final String PHONE_NUMBER_ID = "100000000000001";
    static final int MAX_BODY_BYTES = 256 * 1024;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    /** Under the idle timeout, so that a slow head is ended by the deadline and not by silence. */
    static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);

    /** A seeded endpoint: its ids and the plaintext secrets a provider would sign with. */
    record Seeded(String tenantId, String endpointId, ProviderType provider, String webhookSecret,
                  String verifyToken) {
        String webhookPath() {
            return "/api/whatsapp/webhook/" + tenantId + "/" + endpointId;
        }
    }

    final Topics topics;
    final RedisKeys keys;
    final Simulator simulator;
    final Processor processor;
    final Ingress ingress;
    final Sender sender;
    /** Tenant A: a Cloud API endpoint (primary), a WAHA one and an Evolution one. */
    final Seeded aCloud;
    final Seeded aWaha;
    final Seeded aEvolution;
    /** Tenant B: one Cloud API endpoint. */
    final Seeded bCloud;
    private final JedisPooled senderRedis;
    private final SecretBox secrets;

    AttackGateway(Infra infra) {
        Map<String, String> vars = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "REDIS_URL", infra.redisUrl(),
                "WHATSAPP_TOPIC_PREFIX", infra.uniqueId("attack") + "-",
                "WHATSAPP_REDIS_NAMESPACE", infra.newRedisKeys().namespace(),
                "WHATSAPP_ENCRYPTION_KEYS", Canaries.encryptionKeys("k1"),
                "WHATSAPP_ADMIN_API_KEY", ADMIN_KEY,
                "WHATSAPP_DEFAULT_TIMEOUT", "3000",
                "INGRESS_HOST", "127.0.0.1",
                "INGRESS_PORT", "0"));
        vars.putAll(Map.of("METRICS_HOST", "127.0.0.1", MetricsSettings.PROCESSOR_PORT, "0",
                MetricsSettings.SENDER_PORT, "0",
                "INGRESS_MAX_BODY_BYTES", Integer.toString(MAX_BODY_BYTES),
                "INGRESS_MAX_HEADER_BYTES", Integer.toString(MAX_HEADER_BYTES),
                "INGRESS_IDLE_TIMEOUT_MS", Long.toString(IDLE_TIMEOUT.toMillis()),
                "INGRESS_HEADER_TIMEOUT_MS", Long.toString(HEADER_TIMEOUT.toMillis()),
                // The suite itself fails keys on purpose; the limiter has its own row.
                "INGRESS_AUTH_FAILURE_LIMIT", "100000"));
        Env ingressEnv = new Env(vars);
        Map<String, String> serviceVars = new HashMap<>(vars);
        serviceVars.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true"); // the simulator listens on loopback
        Env serviceEnv = new Env(serviceVars);
        GatewayConfig gateway = GatewayConfig.from(serviceEnv);
        topics = Topics.withPrefix(gateway.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        keys = new RedisKeys(gateway.redisNamespace());
        secrets = SecretBox.fromEnv(serviceEnv);

        simulator = new Simulator(SimulatorConfig.defaults()).start(0);
        ProcessorConfig processorConfig = ProcessorConfig.from(serviceEnv);
        // The topics first, then the processor starts while the endpoints are seeded and the ingress catches up:
        // the three are independent once the topics exist, and each takes seconds on a busy machine.
        TopicBootstrap.ensure(gateway.kafkaBootstrapServers(), processorConfig.topics());
        processor = new Processor(processorConfig,
                Meters.prometheus(MetricsSettings.from(serviceEnv, MetricsSettings.PROCESSOR_PORT, 0)));
        CompletableFuture<Void> processorStarted = CompletableFuture.runAsync(processor::start);
        String a = infra.uniqueId("ta");
        String b = infra.uniqueId("tb");
        aCloud = seeded(infra, a, ProviderType.CLOUD_API);
        aWaha = seeded(infra, a, ProviderType.WAHA);
        aEvolution = seeded(infra, a, ProviderType.EVOLUTION);
        bCloud = seeded(infra, b, ProviderType.CLOUD_API);
        Instant now = Instant.now();
        try (var producer = new KafkaProducer<>(KafkaClients.durableProducer(gateway.kafkaBootstrapServers(),
                "attack-seed", Duration.ofSeconds(10), Duration.ofSeconds(30)), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Seeded primary : List.of(aCloud, bCloud)) {
                TenantConfiguration d = TenantConfiguration.defaults(primary.tenantId(), gateway, now);
                send(producer, topics.tenantConfig(), primary.tenantId(), new TenantConfiguration(primary.tenantId(),
                        primary.endpointId(), d.failoverEnabled(), d.autoReconnect(), d.reconnectInterval(),
                        d.healthCheckInterval(), d.webhookRetries(), d.messageTimeout(), now, now));
            }
            for (Seeded e : List.of(aCloud, aWaha, aEvolution, bCloud)) {
                send(producer, topics.endpoints(), e.endpointId(), endpoint(e, e == aCloud || e == bCloud, now));
            }
            producer.flush();
        }

        ingress = new Ingress(IngressConfig.from(ingressEnv),
                IngressDependencies.production(GatewayConfig.from(ingressEnv), SecretBox.fromEnv(ingressEnv)));
        senderRedis = RedisClients.pooled(gateway.redisUrl(), 8);
        var http = CloudApiAdapter.httpClient(Duration.ofSeconds(3));
        sender = new Sender(gateway, SenderSettings.from(serviceEnv, gateway), topics, secrets,
                List.of(new CloudApiAdapter(http), new WahaAdapter(http), new EvolutionAdapter(http)),
                new RedisIdempotencyStore(senderRedis, keys), Clock.systemUTC(), Sleeper.SYSTEM,
                Meters.prometheus(MetricsSettings.from(serviceEnv, MetricsSettings.SENDER_PORT, 0)));
        CompletableFuture<Void> senderStarted = CompletableFuture.runAsync(sender::start);
        ingress.start();
        processorStarted.join();
        // Ready: the ingress has read its directories, and both Streams applications have their partitions, so
        // that the first management write is answered by its outcome (201), not 202 for want of a processor.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ingress.isReady() || processor.streamsState() != KafkaStreams.State.RUNNING
                || processor.managementState() != KafkaStreams.State.RUNNING || !processor.projectorRunning()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway did not become ready within 60 s: ingress ready "
                        + ingress.isReady() + ", processor " + processor.streamsState() + "/"
                        + processor.managementState());
            }
            sleep(50);
        }
        senderStarted.join();
    }

    String ingressUrl() {
        return "http://127.0.0.1:" + ingress.port();
    }

    int port() {
        return ingress.port();
    }

    private Seeded seeded(Infra infra, String tenant, ProviderType provider) {
        String id = infra.uniqueId("ep");
        String apiKey = Canaries.text("attack " + provider + " API key", "attack-api-key-");
        String secret = Canaries.text("attack " + provider + " webhook secret", "attack-webhook-secret-");
        String simId = tenant + "-" + id;
        switch (provider) {
            case CLOUD_API -> simulator.registerCloudApi(simId, PHONE_NUMBER_ID, apiKey, secret, null);
            case WAHA -> simulator.registerWaha(simId, "s-" + id.replace('_', '-'), apiKey, secret, null);
            case EVOLUTION -> simulator.registerEvolution(simId, "i-" + id, apiKey, secret, null);
        }
        simIds.put(id, simId);
        apiKeys.put(id, apiKey);
        return new Seeded(tenant, id, provider, secret,
                provider == ProviderType.CLOUD_API ? Canaries.text("attack cloud verify token", "attack-verify-") : null);
    }

    private final Map<String, String> simIds = new HashMap<>();
    private final Map<String, String> apiKeys = new HashMap<>();

    private Endpoint endpoint(Seeded e, boolean primary, Instant now) {
        String tenant = e.tenantId();
        String id = e.endpointId();
        boolean cloud = e.provider() == ProviderType.CLOUD_API;
        return new Endpoint(id, tenant, "attack " + e.provider().wireName(), e.provider(),
                simulator.endpoint(simIds.get(id)).apiUrl(),
                cloud ? "v23.0" : null,
                cloud ? PHONE_NUMBER_ID : null,
                e.provider() == ProviderType.WAHA ? "s-" + id.replace('_', '-') : null,
                e.provider() == ProviderType.EVOLUTION ? "i-" + id : null,
                secrets.seal(apiKeys.get(id), Endpoint.secretContext(tenant, id, "apiKey")),
                secrets.seal(e.webhookSecret(), Endpoint.secretContext(tenant, id, "webhookSecret")),
                cloud ? secrets.seal(e.verifyToken(), Endpoint.secretContext(tenant, id, "verifyToken")) : null,
                true, primary, 1, now, now);
    }

    private static <V> void send(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String key, V value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                    topic.valueSerde().serializer().serialize(topic.name(), value))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot seed " + topic.name(), e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        stopping.add(CompletableFuture.runAsync(() -> quietly(sender::close)));
        stopping.add(CompletableFuture.runAsync(() -> quietly(ingress::close)));
        stopping.add(CompletableFuture.runAsync(() -> quietly(processor::close)));
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
        quietly(senderRedis::close);
        quietly(simulator::close);
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("attack: close failed: " + e);
        }
    }
}
