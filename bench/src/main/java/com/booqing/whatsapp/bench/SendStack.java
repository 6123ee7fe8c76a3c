package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.TopicBootstrap;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.devstack.KafkaBroker;
import com.booqing.whatsapp.devstack.RedisServer;
import com.booqing.whatsapp.sender.Sender;
import com.booqing.whatsapp.sender.SenderSettings;
import com.booqing.whatsapp.sender.delivery.Sleeper;
import com.booqing.whatsapp.sender.idempotency.RedisIdempotencyStore;
import com.booqing.whatsapp.sender.provider.CloudApiAdapter;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.cloudapi.CloudApiSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import redis.clients.jedis.JedisPooled;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What the send benchmark runs: the embedded Kafka broker (a child JVM), a Redis (REDIS_URL's if it answers, else
 * one started here), and in this JVM the simulator with two Cloud API numbers (receipts off: only sends are
 * measured) and one sender wired as {@code SenderMain} wires it. One tenant whose primary and backup endpoint are
 * the two simulated numbers, seeded on the compacted topics as the e2e {@code Pipeline} does. Topics are under
 * {@code bench-send-<run>-}, Redis keys (the sender's idempotency records) under {@code wa-bench-<run>}, deleted at
 * the end by SCAN + DEL of that namespace only.
 */
final class SendStack implements AutoCloseable {
    static final String PHONE_NUMBER_ID = "100000000000001";
    static final String API_VERSION = "v23.0";
    /** Sender settings a run may override from its own environment (e.g. SENDER_WORKERS_PER_ENDPOINT=16). */
    private static final List<String> PASSED_THROUGH = List.of("SENDER_", "WHATSAPP_DEFAULT_");

    final String runId = StackParts.hex(4);
    final String tenantId = "bench_" + StackParts.hex(5);
    final String primaryId = "ep_" + StackParts.hex(5);
    final String backupId = "ep_" + StackParts.hex(5);
    final String accessToken = "bench-access-token-" + StackParts.hex(8);
    final RedisKeys keys = new RedisKeys("wa-bench-" + runId);
    private final Consumer<String> progress;
    private final AtomicBoolean closed = new AtomicBoolean();
    private RedisServer redis;
    private KafkaBroker broker;
    private Simulator simulator;
    private SimEndpoint primarySim;
    private SimEndpoint backupSim;
    private JedisPooled senderRedis;
    private Sender sender;
    private Topics topics;
    private Env env;
    private final Map<String, String> vars = new HashMap<>();

    private SendStack(Consumer<String> progress) {
        this.progress = progress;
    }

    static SendStack start(Consumer<String> progress) {
        SendStack s = new SendStack(progress);
        try {
            s.startAll();
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startAll() {
        redis = RedisServer.resolve();
        progress.accept(redis.describe());
        progress.accept("starting the embedded Kafka broker ...");
        broker = KafkaBroker.start();
        progress.accept(broker.describe());

        simulator = new Simulator(SimulatorConfig.defaults()).start(0);
        primarySim = simulator.registerCloudApi(primarySimId(),
                CloudApiSettings.of(PHONE_NUMBER_ID, accessToken, "bench-app-secret-" + runId), null, false);
        backupSim = simulator.registerCloudApi(backupSimId(),
                CloudApiSettings.of(PHONE_NUMBER_ID, accessToken, "bench-app-secret-" + runId), null, false);

        env = env();
        GatewayConfig gateway = GatewayConfig.from(env);
        topics = Topics.withPrefix(gateway.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        TopicBootstrap.ensure(gateway.kafkaBootstrapServers(), topics);
        SecretBox secrets = SecretBox.fromEnv(env);
        seed(gateway, secrets);
        progress.accept("topics created; tenant " + tenantId + " seeded: primary " + primaryId + " on "
                + primarySim.apiUrl() + ", backup " + backupId + " on " + backupSim.apiUrl() + " (receipts off)");

        senderRedis = RedisClients.pooled(gateway.redisUrl(), 16);
        Duration connectTimeout = gateway.defaultTimeout().compareTo(Duration.ofSeconds(10)) < 0
                ? gateway.defaultTimeout() : Duration.ofSeconds(10);
        sender = new Sender(gateway, SenderSettings.from(env, gateway), topics, secrets,
                List.of(new CloudApiAdapter(CloudApiAdapter.httpClient(connectTimeout))),
                new RedisIdempotencyStore(senderRedis, keys), Clock.systemUTC(), Sleeper.SYSTEM,
                new SimpleMeterRegistry());
        sender.start();
        progress.accept("sender started (in this JVM)");
    }

    private Env env() {
        System.getenv().forEach((k, v) -> {
            if (PASSED_THROUGH.stream().anyMatch(k::startsWith)) {
                vars.put(k, v);
            }
        });
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        vars.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        vars.put("REDIS_URL", redis.url());
        vars.put("WHATSAPP_TOPIC_PREFIX", "bench-send-" + runId + "-");
        vars.put("WHATSAPP_REDIS_NAMESPACE", keys.namespace());
        vars.put("WHATSAPP_ENCRYPTION_KEYS", "k1:" + Base64.getEncoder().encodeToString(key));
        vars.put("WHATSAPP_ADMIN_API_KEY", "bench-admin-key-" + runId + "-0123456789");
        // The simulator listens on loopback, which the endpoint-URL guard refuses by default.
        vars.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true");
        // The default 80/s per number (the Cloud API's own) would be all this run measures.
        vars.putIfAbsent("SENDER_RATE_PER_SECOND_DEFAULT", "100000");
        return new Env(vars);
    }

    /** Every SENDER_* and WHATSAPP_DEFAULT_* setting in force, for the report. */
    String senderOverrides() {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(vars).forEach((k, v) -> {
            if (PASSED_THROUGH.stream().anyMatch(k::startsWith)) {
                b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v);
            }
        });
        return b.toString();
    }

    private void seed(GatewayConfig gateway, SecretBox secrets) {
        Instant now = Instant.now();
        TenantConfiguration d = TenantConfiguration.defaults(tenantId, gateway, now);
        TenantConfiguration config = new TenantConfiguration(tenantId, primaryId, d.failoverEnabled(),
                d.autoReconnect(), d.reconnectInterval(), d.healthCheckInterval(), d.webhookRetries(),
                d.messageTimeout(), now, now);
        try (var producer = new KafkaProducer<>(KafkaClients.durableProducer(gateway.kafkaBootstrapServers(),
                "bench-seed", Duration.ofSeconds(10), Duration.ofSeconds(30)), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            StackParts.seed(producer, topics.tenantConfig(), tenantId, config);
            StackParts.seed(producer, topics.endpoints(), primaryId, endpoint(secrets, primaryId, primarySim, true, now));
            StackParts.seed(producer, topics.endpoints(), backupId, endpoint(secrets, backupId, backupSim, false, now));
            producer.flush();
        }
    }

    private Endpoint endpoint(SecretBox secrets, String id, SimEndpoint sim, boolean primary, Instant now) {
        return new Endpoint(id, tenantId, (primary ? "primary" : "backup") + " (simulator)", ProviderType.CLOUD_API,
                sim.apiUrl(), API_VERSION, PHONE_NUMBER_ID, null, null,
                secrets.seal(accessToken, Endpoint.secretContext(tenantId, id, "apiKey")),
                secrets.seal("bench-app-secret-" + runId, Endpoint.secretContext(tenantId, id, "webhookSecret")),
                secrets.seal("bench-verify-" + id, Endpoint.secretContext(tenantId, id, "verifyToken")),
                true, primary, 1, now, now);
    }


    String primarySimId() {
        return "bench-primary-" + runId;
    }

    String backupSimId() {
        return "bench-backup-" + runId;
    }

    Simulator simulator() {
        return simulator;
    }

    SimEndpoint primarySim() {
        return primarySim;
    }

    Topics topics() {
        return topics;
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    long brokerPid() {
        return broker.pid();
    }

    String brokerDescription() {
        return broker == null ? "?" : broker.describe();
    }

    String redisDescription() {
        return redis == null ? "?" : redis.describe();
    }


    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        StackParts.quietly("sender", () -> {
            if (sender != null) {
                sender.close();
            }
        });
        StackParts.quietly("sender's Redis pool", () -> {
            if (senderRedis != null) {
                senderRedis.close();
            }
        });
        StackParts.quietly("simulator", () -> {
            if (simulator != null) {
                simulator.close();
            }
        });
        StackParts.quietly("Redis keys", () -> {
            if (redis != null && !redis.started()) {
                progress.accept("deleted " + StackParts.deleteOwnKeys(redis, keys) + " keys under " + keys.namespace() + ":*");
            }
        });
        StackParts.quietly("Redis", () -> {
            if (redis != null) {
                redis.close();
            }
        });
        StackParts.quietly("Kafka broker", () -> {
            if (broker != null) {
                broker.close();
            }
        });
    }


}
