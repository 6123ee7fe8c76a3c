package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.TopicBootstrap;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.devstack.KafkaBroker;
import com.booqing.whatsapp.devstack.RedisServer;
import com.booqing.whatsapp.ingress.Ingress;
import com.booqing.whatsapp.ingress.IngressConfig;
import com.booqing.whatsapp.ingress.IngressDependencies;
import com.booqing.whatsapp.processor.Processor;
import com.booqing.whatsapp.processor.config.ProcessorConfig;
import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Everything one run needs, in this JVM unless said otherwise: the embedded Kafka broker (a child JVM), a Redis
 * (REDIS_URL's if it answers, else one started here), a bare Javalin app, and the gateway twice over:
 * <ul>
 *   <li>an <b>ingest-only ingress</b> on topic prefix {@code bench-<run>-a-} with nothing consuming its topics:
 *       the throughput and latency phases measure the ingress and Kafka alone, and no hundreds of thousands of
 *       messages end up in a shared Redis;</li>
 *   <li>the <b>pipeline</b>: a second ingress and the processor (Streams + Redis projector) on prefix
 *       {@code bench-<run>-b-}, for the webhook-to-Redis phase.</li>
 * </ul>
 * Both have the same tenant with one Cloud API endpoint. Redis keys live under {@code wa-bench-<run>} and are
 * deleted at the end (SCAN and DEL of that namespace only; nothing is ever flushed).
 */
final class BenchStack implements AutoCloseable {
    static final String PHONE_NUMBER_ID = "100000000000001";
    static final String WEBHOOK_PATH_FORMAT = "/api/whatsapp/webhook/%s/%s";

    final String runId;
    final String tenantId;
    final String endpointId;
    final String appSecret;
    final RedisKeys keys;
    /** WHATSAPP_ENCRYPTION_KEYS of this run: one fresh AES-256 key. */
    private final String encryptionKeys;
    private final Consumer<String> progress;
    private RedisServer redis;
    private KafkaBroker broker;
    private Processor processor;
    private Ingress ingest;
    private Ingress pipeline;
    private Javalin bare;
    private Path stateDir;
    private Topics ingestTopics;
    private Topics pipelineTopics;
    private ProcessorConfig processorConfig;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BenchStack(Consumer<String> progress) {
        this.progress = progress;
        this.runId = StackParts.hex(4);
        this.tenantId = "bench_" + StackParts.hex(5);
        this.endpointId = "ep_" + StackParts.hex(5);
        this.appSecret = "bench-app-secret-" + StackParts.hex(8);
        this.keys = new RedisKeys("wa-bench-" + runId);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.encryptionKeys = "k1:" + Base64.getEncoder().encodeToString(key);
    }

    static BenchStack start(Consumer<String> progress) {
        BenchStack s = new BenchStack(progress);
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

        Env ingestEnv = env("bench-" + runId + "-a-");
        Env pipelineEnv = env("bench-" + runId + "-b-");
        SecretBox secrets = SecretBox.fromEnv(ingestEnv);
        for (Env env : List.of(ingestEnv, pipelineEnv)) {
            GatewayConfig gateway = GatewayConfig.from(env);
            Topics topics = Topics.withPrefix(gateway.topicPrefix(), Topics.DEFAULT_PARTITIONS);
            TopicBootstrap.ensure(gateway.kafkaBootstrapServers(), topics);
            seedTenant(gateway, topics, secrets);
        }
        progress.accept("topics created and tenant " + tenantId + " seeded (endpoint " + endpointId + ", Cloud API)");

        ingestTopics = Topics.withPrefix(GatewayConfig.from(ingestEnv).topicPrefix(), Topics.DEFAULT_PARTITIONS);
        processorConfig = ProcessorConfig.from(pipelineEnv);
        pipelineTopics = processorConfig.topics();
        processor = new Processor(processorConfig, new SimpleMeterRegistry()).start();
        ingest = new Ingress(IngressConfig.from(ingestEnv),
                IngressDependencies.production(GatewayConfig.from(ingestEnv), secrets)).start();
        pipeline = new Ingress(IngressConfig.from(pipelineEnv),
                IngressDependencies.production(GatewayConfig.from(pipelineEnv), secrets)).start();
        bare = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            // The same route shape as the ingress's, and nothing behind it.
            c.routes.post("/api/whatsapp/webhook/{tenantId}/{endpointId}", ctx -> ctx.status(200));
        }).start("127.0.0.1", 0);

        awaitTrue("both ingresses to load the endpoint directory", Duration.ofSeconds(60),
                () -> ingest.isReady() && pipeline.isReady());
        awaitTrue("the processor's Streams to be RUNNING", Duration.ofSeconds(90),
                () -> processor.streamsState() == KafkaStreams.State.RUNNING && processor.projectorRunning());
        progress.accept("ingest-only ingress on :" + ingest.port() + ", pipeline ingress on :" + pipeline.port()
                + " (+ processor), bare Javalin on :" + bare.port());
    }

    /** The gateway's environment; every service reads it as its main would read the real one. */
    private Env env(String topicPrefix) {
        Map<String, String> vars = new HashMap<>();
        vars.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        vars.put("REDIS_URL", redis.url());
        vars.put("WHATSAPP_TOPIC_PREFIX", topicPrefix);
        vars.put("WHATSAPP_REDIS_NAMESPACE", keys.namespace());
        vars.put("WHATSAPP_ENCRYPTION_KEYS", encryptionKeys);
        vars.put("WHATSAPP_ADMIN_API_KEY", "bench-admin-key-" + runId + "-0123456789");
        vars.put("INGRESS_HOST", "127.0.0.1");
        vars.put("INGRESS_PORT", "0");
        // The default 500/s per endpoint path would answer most of this load 429: lifted so the ingest path is
        // what is measured (one tenant, one endpoint carries all of it here).
        vars.put("INGRESS_WEBHOOK_RATE_PER_SECOND", "1000000");
        vars.put("PROCESSOR_STATE_DIR", stateDir().toString());
        return new Env(vars);
    }

    private Path stateDir() {
        if (stateDir == null) {
            try {
                stateDir = Files.createTempDirectory("bench-processor-state-");
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the processor's state directory", e);
            }
        }
        return stateDir;
    }

    private void seedTenant(GatewayConfig gateway, Topics topics, SecretBox secrets) {
        Instant now = Instant.now();
        TenantConfiguration d = TenantConfiguration.defaults(tenantId, gateway, now);
        TenantConfiguration config = new TenantConfiguration(tenantId, endpointId, d.failoverEnabled(),
                d.autoReconnect(), d.reconnectInterval(), d.healthCheckInterval(), d.webhookRetries(),
                d.messageTimeout(), now, now);
        Endpoint endpoint = new Endpoint(endpointId, tenantId, "Bench (Cloud API)", ProviderType.CLOUD_API,
                "http://127.0.0.1:9", "v23.0", PHONE_NUMBER_ID, null, null,
                secrets.seal("bench-access-token", Endpoint.secretContext(tenantId, endpointId, "apiKey")),
                secrets.seal(appSecret, Endpoint.secretContext(tenantId, endpointId, "webhookSecret")),
                secrets.seal("bench-verify-token", Endpoint.secretContext(tenantId, endpointId, "verifyToken")),
                true, true, 1, now, now);
        try (var producer = new KafkaProducer<>(KafkaClients.durableProducer(gateway.kafkaBootstrapServers(),
                "bench-seed", Duration.ofSeconds(10), Duration.ofSeconds(30)), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            StackParts.seed(producer, topics.tenantConfig(), tenantId, config);
            StackParts.seed(producer, topics.endpoints(), endpointId, endpoint);
            producer.flush();
        }
    }


    String webhookPath() {
        return String.format(WEBHOOK_PATH_FORMAT, tenantId, endpointId);
    }

    int ingestPort() {
        return ingest.port();
    }

    int pipelinePort() {
        return pipeline.port();
    }

    int barePort() {
        return bare.port();
    }

    String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The topics of the ingest-only ingress (nothing consumes them). */
    Topics ingestTopics() {
        return ingestTopics;
    }

    /** The topics of the pipeline (ingress + processor). */
    Topics pipelineTopics() {
        return pipelineTopics;
    }

    /** Consumer group of the processor's Streams application (reads webhooks-raw). */
    String streamsGroup() {
        return processorConfig.applicationId();
    }

    /** Consumer group of the processor's Redis projector (reads the events topic, among others). */
    String projectorGroup() {
        return processorConfig.projectorGroupId();
    }

    long brokerPid() {
        return broker.pid();
    }

    RedisServer redis() {
        return redis;
    }

    String brokerDescription() {
        return broker.describe();
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
        StackParts.quietly("bare Javalin", () -> {
            if (bare != null) {
                bare.stop();
            }
        });
        StackParts.quietly("ingest-only ingress", () -> {
            if (ingest != null) {
                ingest.close();
            }
        });
        StackParts.quietly("pipeline ingress", () -> {
            if (pipeline != null) {
                pipeline.close();
            }
        });
        StackParts.quietly("processor", () -> {
            if (processor != null) {
                processor.close();
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
