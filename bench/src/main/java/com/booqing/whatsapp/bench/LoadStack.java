package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.TopicBootstrap;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.metrics.Meters;
import com.booqing.whatsapp.common.metrics.MetricsSettings;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.devstack.KafkaBroker;
import com.booqing.whatsapp.devstack.RedisServer;
import com.booqing.whatsapp.health.HealthMonitor;
import com.booqing.whatsapp.health.HealthSettings;
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
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.cloudapi.CloudApiSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import redis.clients.jedis.JedisPooled;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The whole gateway on this machine for {@link LoadRun}: the embedded Kafka broker (a child JVM), a Redis
 * (REDIS_URL's if it answers, else one started here) and, in this JVM, wired as their mains wire them: one
 * ingress (webhooks and the send API), the processor (Streams + the Redis projector), the sender and the health
 * monitor, with the simulator as every tenant's Cloud API server (receipts off: the run's own webhooks carry the
 * statuses, at a rate it controls). {@code tenants} tenants, each with one Cloud API endpoint on a simulated number
 * of its own, seeded on the compacted topics as the e2e {@code Pipeline} does.
 *
 * <p>Settings are the services' defaults (the ingress's 500 webhooks/s per endpoint, the sender's 80 sends/s per
 * number: the load is spread over the tenants so that neither limit is what the run measures), except what the
 * environment passes in: SENDER_*, INGRESS_*, PROCESSOR_*, HEALTH_* and WHATSAPP_DEFAULT_* variables. Topics are
 * under {@code load-<run>-}, Redis keys under {@code wa-bench-<run>}, deleted at the end (SCAN + DEL of that
 * namespace only, never a flush), the Streams state directory is a temporary one, deleted too.
 */
final class LoadStack implements AutoCloseable {
    static final String PHONE_NUMBER_ID = "100000000000001";
    static final String API_VERSION = "v23.0";
    private static final List<String> PASSED_THROUGH = List.of("SENDER_", "INGRESS_", "PROCESSOR_", "HEALTH_",
            "WHATSAPP_DEFAULT_");
    /** Set here; the environment does not override them. */
    private static final List<String> OWN = List.of("INGRESS_HOST", "INGRESS_PORT", "PROCESSOR_STATE_DIR");

    final String runId = StackParts.hex(4);
    final RedisKeys keys = new RedisKeys("wa-bench-" + runId);
    final String adminKey = "load-admin-key-" + StackParts.hex(12);
    private final int tenantCount;
    private final Consumer<String> progress;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, String> vars = new HashMap<>();
    private final List<LoadTraffic.Tenant> tenants = new ArrayList<>();
    private RedisServer redis;
    private KafkaBroker broker;
    private Simulator simulator;
    private Processor processor;
    private ProcessorConfig processorConfig;
    private Ingress ingress;
    private JedisPooled senderRedis;
    private Sender sender;
    private SenderSettings senderSettings;
    private HealthMonitor healthMonitor;
    private Topics topics;
    private Path stateDir;

    private LoadStack(int tenantCount, Consumer<String> progress) {
        this.tenantCount = tenantCount;
        this.progress = progress;
    }

    static LoadStack start(int tenants, Consumer<String> progress) {
        LoadStack s = new LoadStack(tenants, progress);
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
        // A short request log: the default 10,000 per number would grow the heap for the first minutes of a soak.
        simulator = new Simulator(SimulatorConfig.defaults().withRequestLogCapacity(16)).start(0);

        Env env = env();
        GatewayConfig gateway = GatewayConfig.from(env);
        topics = Topics.withPrefix(gateway.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        TopicBootstrap.ensure(gateway.kafkaBootstrapServers(), topics);
        SecretBox secrets = SecretBox.fromEnv(env);
        seed(gateway, secrets);
        progress.accept("topics created; " + tenantCount + " tenants seeded, each with one Cloud API endpoint on"
                + " the simulator (receipts off)");

        processorConfig = ProcessorConfig.from(env);
        processor = new Processor(processorConfig,
                Meters.prometheus(MetricsSettings.from(env, MetricsSettings.PROCESSOR_PORT, 0))).start();
        ingress = new Ingress(IngressConfig.from(env), IngressDependencies.production(gateway, secrets));
        senderRedis = RedisClients.pooled(gateway.redisUrl(), 16);
        Duration connectTimeout = gateway.defaultTimeout().compareTo(Duration.ofSeconds(10)) < 0
                ? gateway.defaultTimeout() : Duration.ofSeconds(10);
        senderSettings = SenderSettings.from(env, gateway);
        sender = new Sender(gateway, senderSettings, topics, secrets,
                List.of(new CloudApiAdapter(CloudApiAdapter.httpClient(connectTimeout))),
                new RedisIdempotencyStore(senderRedis, keys), Clock.systemUTC(), Sleeper.SYSTEM,
                Meters.prometheus(MetricsSettings.from(env, MetricsSettings.SENDER_PORT, 0)));
        healthMonitor = HealthMonitor.create(gateway, HealthSettings.from(env, gateway), topics, secrets,
                Clock.systemUTC(), Meters.prometheus(MetricsSettings.from(env, MetricsSettings.HEALTH_PORT, 0)));
        // Each reads the seeded topics to their end before it serves; started side by side to save time.
        CompletableFuture<Void> senderStarted = CompletableFuture.runAsync(sender::start);
        CompletableFuture<Void> monitorStarted = CompletableFuture.runAsync(healthMonitor::start);
        ingress.start();
        awaitTrue("the ingress to load the endpoint directory", Duration.ofSeconds(60), ingress::isReady);
        awaitTrue("the processor's Streams to be RUNNING", Duration.ofSeconds(90),
                () -> processor.streamsState() == KafkaStreams.State.RUNNING && processor.projectorRunning());
        senderStarted.join();
        monitorStarted.join();
        progress.accept("ingress on :" + ingress.port() + ", processor, sender and health monitor running (this JVM)");
    }

    private Env env() {
        System.getenv().forEach((k, v) -> {
            if (PASSED_THROUGH.stream().anyMatch(k::startsWith) && !OWN.contains(k)) {
                vars.put(k, v);
            }
        });
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        vars.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        vars.put("REDIS_URL", redis.url());
        vars.put("WHATSAPP_TOPIC_PREFIX", "load-" + runId + "-");
        vars.put("WHATSAPP_REDIS_NAMESPACE", keys.namespace());
        vars.put("WHATSAPP_ENCRYPTION_KEYS", "k1:" + Base64.getEncoder().encodeToString(key));
        vars.put("WHATSAPP_ADMIN_API_KEY", adminKey);
        // The simulator listens on loopback, which the endpoint-URL guard refuses by default.
        vars.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true");
        vars.put("INGRESS_HOST", "127.0.0.1");
        vars.put("INGRESS_PORT", "0");
        vars.put("METRICS_HOST", "127.0.0.1");
        vars.put("PROCESSOR_STATE_DIR", stateDir().toString());
        return new Env(vars);
    }

    /** Every passed-through setting in force, for the report (names and values; none of them is a secret). */
    String overrides() {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(vars).forEach((k, v) -> {
            if (PASSED_THROUGH.stream().anyMatch(k::startsWith) && !OWN.contains(k)) {
                b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(v);
            }
        });
        return b.length() == 0 ? "none (services' defaults)" : b.toString();
    }

    private Path stateDir() {
        if (stateDir == null) {
            try {
                stateDir = Files.createTempDirectory("load-processor-state-");
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the processor's state directory", e);
            }
        }
        return stateDir;
    }

    private void seed(GatewayConfig gateway, SecretBox secrets) {
        Instant now = Instant.now();
        try (var producer = new KafkaProducer<>(KafkaClients.durableProducer(gateway.kafkaBootstrapServers(),
                "load-seed", Duration.ofSeconds(10), Duration.ofSeconds(30)), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < tenantCount; i++) {
                String tenantId = "load_" + StackParts.hex(5);
                String endpointId = "ep_" + StackParts.hex(5);
                String accessToken = "load-access-token-" + StackParts.hex(8);
                String appSecret = "load-app-secret-" + StackParts.hex(8);
                SimEndpoint sim = simulator.registerCloudApi("load-" + runId + "-" + i,
                        CloudApiSettings.of(PHONE_NUMBER_ID, accessToken, appSecret), null, false);
                TenantConfiguration d = TenantConfiguration.defaults(tenantId, gateway, now);
                StackParts.seed(producer, topics.tenantConfig(), tenantId, new TenantConfiguration(tenantId,
                        endpointId, d.failoverEnabled(), d.autoReconnect(), d.reconnectInterval(),
                        d.healthCheckInterval(), d.webhookRetries(), d.messageTimeout(), now, now));
                StackParts.seed(producer, topics.endpoints(), endpointId, new Endpoint(endpointId, tenantId,
                        "load " + i + " (simulator)", ProviderType.CLOUD_API, sim.apiUrl(), API_VERSION,
                        PHONE_NUMBER_ID, null, null,
                        secrets.seal(accessToken, Endpoint.secretContext(tenantId, endpointId, "apiKey")),
                        secrets.seal(appSecret, Endpoint.secretContext(tenantId, endpointId, "webhookSecret")),
                        secrets.seal("load-verify-" + endpointId,
                                Endpoint.secretContext(tenantId, endpointId, "verifyToken")),
                        true, true, 1, now, now));
                tenants.add(new LoadTraffic.Tenant(tenantId, endpointId, appSecret, PHONE_NUMBER_ID));
            }
            producer.flush();
        }
    }

    List<LoadTraffic.Tenant> tenants() {
        return tenants;
    }

    int ingressPort() {
        return ingress.port();
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

    RedisServer redis() {
        return redis;
    }

    String brokerDescription() {
        return broker == null ? "?" : broker.describe();
    }

    String redisDescription() {
        return redis == null ? "?" : redis.describe();
    }

    /** The processor's inbound Streams application (reads webhooks-raw). */
    String streamsGroup() {
        return processorConfig.applicationId();
    }

    /** The Redis projector (reads events, send commands, results and the compacted topics). */
    String projectorGroup() {
        return processorConfig.projectorGroupId();
    }

    String senderGroup() {
        return senderSettings.groupId();
    }

    private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Independent consumers and servers: stopped side by side, the simulator after them.
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        if (sender != null) {
            stopping.add(CompletableFuture.runAsync(() -> StackParts.quietly("sender", sender::close)));
        }
        if (ingress != null) {
            stopping.add(CompletableFuture.runAsync(() -> StackParts.quietly("ingress", ingress::close)));
        }
        if (processor != null) {
            stopping.add(CompletableFuture.runAsync(() -> StackParts.quietly("processor", processor::close)));
        }
        if (healthMonitor != null) {
            stopping.add(CompletableFuture.runAsync(() -> StackParts.quietly("health monitor", healthMonitor::close)));
        }
        try {
            CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
                    .get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            System.err.println("bench: stopping the services took too long or failed: " + e);
        }
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
                progress.accept("deleted " + StackParts.deleteOwnKeys(redis, keys) + " keys under "
                        + keys.namespace() + ":*");
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
        StackParts.quietly("processor state", () -> {
            if (stateDir != null) {
                try (Stream<Path> walk = Files.walk(stateDir)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException ignored) {
                    // a temp dir left behind is only disk space
                }
            }
        });
    }
}
