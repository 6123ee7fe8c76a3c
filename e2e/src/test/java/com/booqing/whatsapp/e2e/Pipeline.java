package com.booqing.whatsapp.e2e;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.metrics.Meters;
import com.booqing.whatsapp.common.metrics.MetricsServer;
import com.booqing.whatsapp.common.metrics.MetricsSettings;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
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
import com.booqing.whatsapp.sender.provider.EvolutionAdapter;
import com.booqing.whatsapp.sender.provider.WahaAdapter;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.testkit.Infra;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
 * The whole gateway in one JVM, wired from environment variables the way the services' mains wire it: the real
 * broker and Redis from testkit, the simulator as the WhatsApp servers, the processor, the ingress and the sender
 * with every provider adapter. Topic names and the Redis namespace are unique per instance.
 *
 * <p>Tenants and their endpoints are declared up front ({@link TenantSpec}): each endpoint is registered on the
 * simulator, seeded on the compacted topics with sealed secrets, and the ingress and the sender are started only
 * after that, so both know every endpoint before the first test runs (their start reads the topics to the end).
 * The first endpoint of a tenant is its primary. Each simulated endpoint posts its webhooks to the ingress path of
 * its gateway endpoint, signed with the endpoint's webhook secret (Cloud API app secret, WAHA HMAC key,
 * Evolution jwt_key).
 */
final class Pipeline implements AutoCloseable {
    static final String ADMIN_KEY = Canaries.text("e2e admin API key");
    static final String PHONE_NUMBER_ID = "100000000000001";
    static final String API_VERSION = "v23.0";
    /** Short enough to keep the suite fast, long enough for a loaded machine's loopback. */
    static final Map<String, String> FAST = Map.of(
            "WHATSAPP_DEFAULT_TIMEOUT", "3000",
            "WHATSAPP_DEFAULT_RETRIES", "2",
            "SENDER_BACKOFF_BASE_MS", "100",
            "SENDER_BACKOFF_MAX_MS", "500",
            "SENDER_BREAKER_OPEN_MS", "1000");

    /** A tenant and its endpoints; the first endpoint is the primary. */
    record TenantSpec(String name, List<EndpointSpec> endpoints) {
        static TenantSpec of(String name, EndpointSpec... endpoints) {
            return new TenantSpec(name, List.of(endpoints));
        }
    }

    /** One endpoint of a tenant, by the name tests use for it. */
    record EndpointSpec(String name, ProviderType provider) {
        static EndpointSpec cloudApi(String name) {
            return new EndpointSpec(name, ProviderType.CLOUD_API);
        }

        static EndpointSpec waha(String name) {
            return new EndpointSpec(name, ProviderType.WAHA);
        }

        static EndpointSpec evolution(String name) {
            return new EndpointSpec(name, ProviderType.EVOLUTION);
        }
    }

    /**
     * What runs besides the processor, the ingress and the sender.
     *
     * @param simulator     the simulator's configuration (pairing speed for WAHA sessions and Evolution instances)
     * @param healthMonitor also run the health monitor with its device manager in-process, configured by the
     *                      HEALTH_* variables of the environment
     */
    record Options(SimulatorConfig simulator, boolean healthMonitor) {
        static final Options DEFAULT = new Options(SimulatorConfig.defaults(), false);
    }

    /** A seeded tenant. */
    record Tenant(String name, String tenantId, Map<String, GatewayEndpoint> endpoints) {
        GatewayEndpoint endpoint(String endpointName) {
            GatewayEndpoint e = endpoints.get(endpointName);
            if (e == null) {
                throw new IllegalArgumentException("tenant " + name + " has no endpoint " + endpointName);
            }
            return e;
        }

        GatewayEndpoint primary() {
            return endpoints.values().iterator().next();
        }
    }

    /**
     * A gateway endpoint and the simulated server behind it.
     *
     * @param simId         the simulator's id of the server
     * @param apiKey        Cloud API access token, WAHA X-Api-Key or Evolution global apikey
     * @param webhookSecret Cloud API app secret, WAHA HMAC key or Evolution jwt_key
     * @param account       Cloud API phone number id, WAHA session name or Evolution instance name
     */
    record GatewayEndpoint(String name, String tenantId, String endpointId, ProviderType provider, String simId,
                           SimEndpoint sim, String apiKey, String webhookSecret, String account) {
        String webhookPath() {
            return "/api/whatsapp/webhook/" + tenantId + "/" + endpointId;
        }
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
    /** Null unless {@link Options#healthMonitor()}. */
    final HealthMonitor healthMonitor;
    /** Each service's metrics endpoint, as its main serves it (the ingress serves its own on its port). */
    final MetricsServer processorMetrics;
    final MetricsServer senderMetrics;
    /** Null unless {@link Options#healthMonitor()}. */
    final MetricsServer healthMetrics;
    private final JedisPooled senderRedis;
    private final Map<String, Tenant> tenants = new LinkedHashMap<>();

    // The first tenant's primary endpoint, for the walking-skeleton test; null without seeded tenants.
    final String tenantId;
    final String endpointId;
    final String simEndpointId;
    final SimEndpoint simEndpoint;

    /** One tenant ("salon") with one Cloud API endpoint, default timeouts. */
    Pipeline(Infra infra) {
        this(infra, Map.of(), List.of(TenantSpec.of("salon", EndpointSpec.cloudApi("primary"))));
    }

    Pipeline(Infra infra, Map<String, String> extraEnv, List<TenantSpec> specs) {
        this(infra, extraEnv, specs, Options.DEFAULT);
    }

    Pipeline(Infra infra, Map<String, String> extraEnv, List<TenantSpec> specs, Options options) {
        Map<String, String> vars = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "REDIS_URL", infra.redisUrl(),
                "WHATSAPP_TOPIC_PREFIX", infra.uniqueId("e2e") + "-",
                "WHATSAPP_REDIS_NAMESPACE", infra.newRedisKeys().namespace(),
                "WHATSAPP_ENCRYPTION_KEYS", Canaries.encryptionKeys("k1"),
                "WHATSAPP_ADMIN_API_KEY", ADMIN_KEY,
                "WHATSAPP_DEFAULT_TIMEOUT", "5000",
                "INGRESS_HOST", "127.0.0.1",
                "INGRESS_PORT", "0"));
        vars.putAll(Map.of("METRICS_HOST", "127.0.0.1", MetricsSettings.PROCESSOR_PORT, "0",
                MetricsSettings.SENDER_PORT, "0", MetricsSettings.HEALTH_PORT, "0"));
        // The simulator's endpoints listen on loopback, which the endpoint-URL guard refuses by default.
        vars.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true");
        vars.putAll(extraEnv);
        env = new Env(vars);
        gateway = GatewayConfig.from(env);
        topics = Topics.withPrefix(gateway.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        keys = new RedisKeys(gateway.redisNamespace());
        secrets = SecretBox.fromEnv(env);

        simulator = new Simulator(options.simulator()).start(0);
        MetricsSettings processorMetricsSettings = MetricsSettings.from(env, MetricsSettings.PROCESSOR_PORT, 0);
        PrometheusMeterRegistry processorMeters = Meters.prometheus(processorMetricsSettings);
        processor = new Processor(ProcessorConfig.from(env), processorMeters);
        processorMetrics = MetricsServer.start(processorMetricsSettings, MetricsSettings.PROCESSOR_PORT,
                processorMeters, processor::isHealthy);
        processor.start(); // creates the topics
        Instant now = Instant.now();
        for (TenantSpec spec : specs) {
            tenants.put(spec.name(), register(infra, spec));
        }
        seed(now);

        ingress = new Ingress(IngressConfig.from(env), IngressDependencies.production(gateway, secrets));
        senderRedis = RedisClients.pooled(gateway.redisUrl(), 16);
        Duration connectTimeout = gateway.defaultTimeout().compareTo(Duration.ofSeconds(10)) < 0
                ? gateway.defaultTimeout() : Duration.ofSeconds(10);
        var http = CloudApiAdapter.httpClient(connectTimeout);
        MetricsSettings senderMetricsSettings = MetricsSettings.from(env, MetricsSettings.SENDER_PORT, 0);
        PrometheusMeterRegistry senderMeters = Meters.prometheus(senderMetricsSettings);
        sender = new Sender(gateway, SenderSettings.from(env, gateway), topics, secrets,
                List.of(new CloudApiAdapter(http), new WahaAdapter(http), new EvolutionAdapter(http)),
                new RedisIdempotencyStore(senderRedis, keys), Clock.systemUTC(), Sleeper.SYSTEM, senderMeters);
        senderMetrics = MetricsServer.start(senderMetricsSettings, MetricsSettings.SENDER_PORT, senderMeters,
                sender::isRunning);
        // Both read the seeded topics to their end before they serve; started side by side to save time.
        CompletableFuture<Void> senderStarted = CompletableFuture.runAsync(sender::start);
        MetricsSettings healthMetricsSettings = MetricsSettings.from(env, MetricsSettings.HEALTH_PORT, 0);
        PrometheusMeterRegistry healthMeters = Meters.prometheus(healthMetricsSettings);
        healthMonitor = options.healthMonitor()
                ? HealthMonitor.create(gateway, HealthSettings.from(env, gateway), topics, secrets,
                Clock.systemUTC(), healthMeters)
                : null;
        healthMetrics = healthMonitor == null ? null : MetricsServer.start(healthMetricsSettings,
                MetricsSettings.HEALTH_PORT, healthMeters, healthMonitor::isRunning);
        CompletableFuture<Void> monitorStarted = healthMonitor == null ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(healthMonitor::start);
        ingress.start();
        awaitReady();
        senderStarted.join();
        monitorStarted.join();
        for (Tenant t : tenants.values()) {
            for (GatewayEndpoint e : t.endpoints().values()) {
                simulator.webhookUrl(e.simId(), ingressUrl() + e.webhookPath());
            }
        }

        Tenant first = tenants.values().stream().filter(t -> !t.endpoints().isEmpty()).findFirst().orElse(null);
        tenantId = first == null ? null : first.tenantId();
        endpointId = first == null ? null : first.primary().endpointId();
        simEndpointId = first == null ? null : first.primary().simId();
        simEndpoint = first == null ? null : first.primary().sim();
    }

    Tenant tenant(String name) {
        Tenant t = tenants.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tenant " + name);
        }
        return t;
    }

    String ingressUrl() {
        return "http://127.0.0.1:" + ingress.port();
    }

    private Tenant register(Infra infra, TenantSpec spec) {
        String tenant = infra.uniqueId(spec.name());
        Map<String, GatewayEndpoint> endpoints = new LinkedHashMap<>();
        for (EndpointSpec e : spec.endpoints()) {
            String id = infra.uniqueId("ep");
            String simId = spec.name() + "-" + e.name() + "-" + id;
            String apiKey = Canaries.text("e2e " + e.provider() + " API key");
            String webhookSecret = Canaries.text("e2e " + e.provider() + " webhook secret");
            GatewayEndpoint registered = switch (e.provider()) {
                case CLOUD_API -> new GatewayEndpoint(e.name(), tenant, id, e.provider(), simId,
                        simulator.registerCloudApi(simId, PHONE_NUMBER_ID, apiKey, webhookSecret, null), apiKey,
                        webhookSecret, PHONE_NUMBER_ID);
                case WAHA -> {
                    String session = "s-" + id.replace('_', '-');
                    yield new GatewayEndpoint(e.name(), tenant, id, e.provider(), simId,
                            simulator.registerWaha(simId, session, apiKey, webhookSecret, null), apiKey,
                            webhookSecret, session);
                }
                case EVOLUTION -> {
                    String instance = "i-" + id;
                    yield new GatewayEndpoint(e.name(), tenant, id, e.provider(), simId,
                            simulator.registerEvolution(simId, instance, apiKey, webhookSecret, null), apiKey,
                            webhookSecret, instance);
                }
            };
            endpoints.put(e.name(), registered);
        }
        return new Tenant(spec.name(), tenant, endpoints);
    }

    private void seed(Instant now) {
        try (var producer = new KafkaProducer<>(KafkaClients.durableProducer(gateway.kafkaBootstrapServers(),
                "e2e-seed", Duration.ofSeconds(10), Duration.ofSeconds(30)), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (Tenant t : tenants.values()) {
                if (t.endpoints().isEmpty()) {
                    continue; // a tenant the test sets up through the management API
                }
                TenantConfiguration defaults = TenantConfiguration.defaults(t.tenantId(), gateway, now);
                send(producer, topics.tenantConfig(), t.tenantId(), new TenantConfiguration(t.tenantId(),
                        t.primary().endpointId(), defaults.failoverEnabled(), defaults.autoReconnect(),
                        defaults.reconnectInterval(), defaults.healthCheckInterval(), defaults.webhookRetries(),
                        defaults.messageTimeout(), now, now));
                for (GatewayEndpoint e : t.endpoints().values()) {
                    send(producer, topics.endpoints(), e.endpointId(), endpoint(e, e == t.primary(), now));
                }
            }
            producer.flush();
        }
    }

    private Endpoint endpoint(GatewayEndpoint e, boolean primary, Instant now) {
        String tenant = e.tenantId();
        String id = e.endpointId();
        boolean cloud = e.provider() == ProviderType.CLOUD_API;
        return new Endpoint(id, tenant, e.name() + " (simulator)", e.provider(), e.sim().apiUrl(),
                cloud ? API_VERSION : null,
                cloud ? e.account() : null,
                e.provider() == ProviderType.WAHA ? e.account() : null,
                e.provider() == ProviderType.EVOLUTION ? e.account() : null,
                secrets.seal(e.apiKey(), Endpoint.secretContext(tenant, id, "apiKey")),
                secrets.seal(e.webhookSecret(), Endpoint.secretContext(tenant, id, "webhookSecret")),
                cloud ? secrets.seal(Canaries.text("e2e cloud verify token"), Endpoint.secretContext(tenant, id, "verifyToken")) : null,
                true, primary, 1, now, now);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ingress.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ingress did not become ready within 60 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the ingress", e);
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
        // Independent consumers and servers: stopped side by side, the simulator last.
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        stopping.add(CompletableFuture.runAsync(() -> closeQuietly(sender::close)));
        stopping.add(CompletableFuture.runAsync(() -> closeQuietly(ingress::close)));
        stopping.add(CompletableFuture.runAsync(() -> closeQuietly(processor::close)));
        if (healthMonitor != null) {
            stopping.add(CompletableFuture.runAsync(() -> closeQuietly(healthMonitor::close)));
        }
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
        closeQuietly(processorMetrics::close);
        closeQuietly(senderMetrics::close);
        if (healthMetrics != null) {
            closeQuietly(healthMetrics::close);
        }
        closeQuietly(senderRedis::close);
        closeQuietly(simulator::close);
    }

    private static void closeQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("e2e: close failed: " + e);
        }
    }
}
