package com.booqing.whatsapp.ops;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
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
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.testkit.Infra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import redis.clients.jedis.JedisPooled;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The gateway in one JVM for the ops tool's tests, wired as the e2e module's Pipeline is: the testkit's broker and
 * Redis, the simulator as the providers, the processor, the ingress and the sender. One endpoint per tenant, whose
 * simulator id is its gateway id (as in the local stack's demo tenant, so {@code test} finds it by default).
 * {@link #opsEnv()} is the environment the tool reads, the same variables the services read.
 */
final class OpsPipeline implements AutoCloseable {
    static final String ADMIN_KEY = Canaries.text("ops admin API key");
    static final String PHONE_NUMBER_ID = "100000000000001";

    /** A tenant to seed with one endpoint of the given provider. */
    record TenantSpec(String name, ProviderType provider) {
    }

    /** A seeded tenant and its endpoint; {@code simId} equals {@code endpointId}. */
    record Tenant(String name, String tenantId, String endpointId, ProviderType provider, SimEndpoint sim) {
    }

    final Env env;
    final GatewayConfig gateway;
    final Topics topics;
    final RedisKeys keys;
    final SecretBox secrets;
    final Simulator simulator;
    final Processor processor;
    final Ingress ingress;
    final Sender sender;
    private final JedisPooled senderRedis;
    private final Map<String, Tenant> tenants = new LinkedHashMap<>();

    OpsPipeline(Infra infra, List<TenantSpec> specs) {
        Map<String, String> vars = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "REDIS_URL", infra.redisUrl(),
                "WHATSAPP_TOPIC_PREFIX", infra.uniqueId("ops") + "-",
                "WHATSAPP_REDIS_NAMESPACE", infra.newRedisKeys().namespace(),
                "WHATSAPP_ENCRYPTION_KEYS", Canaries.encryptionKeys("k1"),
                "WHATSAPP_ADMIN_API_KEY", ADMIN_KEY,
                "WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true",
                "INGRESS_HOST", "127.0.0.1",
                "INGRESS_PORT", "0"));
        // Quick retries and a short breaker, so a dark endpoint ends in a result within seconds.
        vars.putAll(Map.of("WHATSAPP_DEFAULT_TIMEOUT", "3000", "WHATSAPP_DEFAULT_RETRIES", "1",
                "SENDER_BACKOFF_BASE_MS", "100", "SENDER_BACKOFF_MAX_MS", "300", "SENDER_BREAKER_OPEN_MS", "1000"));
        env = new Env(vars);
        gateway = GatewayConfig.from(env);
        topics = Topics.withPrefix(gateway.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        keys = new RedisKeys(gateway.redisNamespace());
        secrets = SecretBox.fromEnv(env);

        simulator = new Simulator(SimulatorConfig.defaults()).start(0);
        processor = new Processor(ProcessorConfig.from(env), new SimpleMeterRegistry()).start();
        Instant now = Instant.now();
        for (TenantSpec spec : specs) {
            tenants.put(spec.name(), register(infra, spec));
        }
        seed(now);
        ingress = new Ingress(IngressConfig.from(env), IngressDependencies.production(gateway, secrets));
        senderRedis = RedisClients.pooled(gateway.redisUrl(), 16);
        var http = CloudApiAdapter.httpClient(Duration.ofSeconds(3));
        sender = new Sender(gateway, SenderSettings.from(env, gateway), topics, secrets,
                List.of(new CloudApiAdapter(http), new WahaAdapter(http), new EvolutionAdapter(http)),
                new RedisIdempotencyStore(senderRedis, keys), Clock.systemUTC(), Sleeper.SYSTEM,
                new SimpleMeterRegistry());
        CompletableFuture<Void> senderStarted = CompletableFuture.runAsync(sender::start);
        ingress.start();
        awaitIngress();
        senderStarted.join();
        for (Tenant t : tenants.values()) {
            simulator.webhookUrl(t.endpointId(), ingressUrl() + "/api/whatsapp/webhook/" + t.tenantId() + "/"
                    + t.endpointId());
        }
    }

    Tenant tenant(String name) {
        return tenants.get(name);
    }

    String ingressUrl() {
        return "http://127.0.0.1:" + ingress.port();
    }

    /** What the tool is run with: the services' variables, the ingress and simulator URLs, quick progress lines. */
    Map<String, String> opsEnv() {
        Map<String, String> vars = new HashMap<>();
        for (String name : List.of("KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL", "WHATSAPP_TOPIC_PREFIX",
                "WHATSAPP_REDIS_NAMESPACE", "WHATSAPP_ENCRYPTION_KEYS", "WHATSAPP_ADMIN_API_KEY")) {
            vars.put(name, env.required(name));
        }
        vars.put("OPS_INGRESS_URL", ingressUrl());
        vars.put("OPS_PROGRESS_INTERVAL_MS", "200");
        return vars;
    }

    private Tenant register(Infra infra, TenantSpec spec) {
        String tenant = infra.uniqueId(spec.name());
        String id = infra.uniqueId("ep");
        SimEndpoint sim = switch (spec.provider()) {
            case CLOUD_API -> simulator.registerCloudApi(id, PHONE_NUMBER_ID, apiKey(id), webhookSecret(id), null);
            case WAHA -> simulator.registerWaha(id, account(spec.provider(), id), apiKey(id), webhookSecret(id), null);
            case EVOLUTION -> simulator.registerEvolution(id, account(spec.provider(), id), apiKey(id),
                    webhookSecret(id), null);
        };
        return new Tenant(spec.name(), tenant, id, spec.provider(), sim);
    }

    private static String apiKey(String id) {
        return Canaries.derived("ops provider API key", "ops-api-key-", id);
    }

    private static String webhookSecret(String id) {
        return Canaries.derived("ops webhook secret", "ops-webhook-secret-", id);
    }

    private static String account(ProviderType provider, String id) {
        return switch (provider) {
            case CLOUD_API -> PHONE_NUMBER_ID;
            case WAHA -> "s-" + id.replace('_', '-');
            case EVOLUTION -> "i-" + id;
        };
    }

    private void seed(Instant now) {
        try (var producer = new KafkaProducer<>(KafkaClients.durableProducer(gateway.kafkaBootstrapServers(),
                "ops-it-seed", Duration.ofSeconds(10), Duration.ofSeconds(30)), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Tenant t : tenants.values()) {
                TenantConfiguration d = TenantConfiguration.defaults(t.tenantId(), gateway, now);
                send(producer, topics.tenantConfig(), t.tenantId(), new TenantConfiguration(t.tenantId(),
                        t.endpointId(), d.failoverEnabled(), d.autoReconnect(), d.reconnectInterval(),
                        d.healthCheckInterval(), d.webhookRetries(), d.messageTimeout(), now, now));
                send(producer, topics.endpoints(), t.endpointId(), endpoint(t, now));
            }
            producer.flush();
        }
    }

    private Endpoint endpoint(Tenant t, Instant now) {
        String tenant = t.tenantId();
        String id = t.endpointId();
        boolean cloud = t.provider() == ProviderType.CLOUD_API;
        return new Endpoint(id, tenant, t.name() + " (simulator)", t.provider(), t.sim().apiUrl(),
                cloud ? "v23.0" : null,
                cloud ? PHONE_NUMBER_ID : null,
                t.provider() == ProviderType.WAHA ? account(t.provider(), id) : null,
                t.provider() == ProviderType.EVOLUTION ? account(t.provider(), id) : null,
                secrets.seal(apiKey(id), Endpoint.secretContext(tenant, id, "apiKey")),
                secrets.seal(webhookSecret(id), Endpoint.secretContext(tenant, id, "webhookSecret")),
                cloud ? secrets.seal(Canaries.derived("ops cloud verify token", "ops-verify-", id), Endpoint.secretContext(tenant, id, "verifyToken")) : null,
                true, true, 1, now, now);
    }

    private void awaitIngress() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ingress.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ingress did not become ready within 60 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static <V> void send(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String key, V value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                    topic.valueSerde().serializer().serialize(topic.name(), value))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot seed " + topic.name(), e);
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
            System.err.println("ops-it: close failed: " + e);
        }
    }
}
