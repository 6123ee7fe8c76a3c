package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.TopicBootstrap;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.devstack.KafkaBroker;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.cloudapi.CloudApiSettings;
import com.booqing.whatsapp.simulator.evolution.EvolutionSettings;
import com.booqing.whatsapp.simulator.waha.WahaSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * What the health benchmark runs besides the measured JVMs: the embedded Kafka broker (a child JVM) and, in this
 * JVM, the simulator with a few provider servers per provider (a Cloud API number, a WAHA session, an Evolution
 * instance each). N endpoints are seeded on the compacted endpoints topic, spread round-robin over the providers
 * and their servers, each pointing at its server's probe route with its server's key; tenants of
 * {@code endpointsPerTenant} endpoints each (the first one primary) get a configuration with the check interval.
 * Topics are under {@code bench-health-<run>-}. No Redis: the monitor does not use it.
 */
final class HealthBenchStack implements AutoCloseable {
    static final String API_VERSION = "v23.0";
    static final String PHONE_NUMBER_ID = "100000000000001";
    static final String SESSION = "default";
    static final String INSTANCE = "bench";

    /** One simulated provider server and what a probe of it sends. */
    record Server(ProviderType provider, SimEndpoint sim, String key, String probeUrl, String header,
                  String headerValue) {
    }

    final String runId = StackParts.hex(4);
    final String topicPrefix = "bench-health-" + runId + "-";
    final String encryptionKeys;
    private final SecretBox secrets;
    private final Consumer<String> progress;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Server> servers = new ArrayList<>();
    private KafkaBroker broker;
    private Simulator simulator;
    private Topics topics;

    private HealthBenchStack(Consumer<String> progress) {
        this.progress = progress;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.encryptionKeys = "k1:" + Base64.getEncoder().encodeToString(key);
        this.secrets = new SecretBox(Map.of("k1", key));
    }

    static HealthBenchStack start(Consumer<String> progress, List<ProviderType> providers, int serversPerProvider) {
        HealthBenchStack s = new HealthBenchStack(progress);
        try {
            s.startAll(providers, serversPerProvider);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startAll(List<ProviderType> providers, int serversPerProvider) {
        progress.accept("starting the embedded Kafka broker ...");
        broker = KafkaBroker.start();
        progress.accept(broker.describe());
        // A small request log: the simulator records every request, and only the counts matter here.
        simulator = new Simulator(SimulatorConfig.defaults().withRequestLogCapacity(16)).start(0);
        for (int i = 0; i < serversPerProvider; i++) {
            for (ProviderType p : providers) {
                servers.add(register(p, i));
            }
        }
        topics = Topics.withPrefix(topicPrefix, Topics.DEFAULT_PARTITIONS);
        TopicBootstrap.ensure(broker.bootstrapServers(), topics);
    }

    private Server register(ProviderType p, int i) {
        String id = "bench-" + p.wireName() + "-" + i + "-" + runId;
        String key = "bench-key-" + StackParts.hex(8);
        return switch (p) {
            case CLOUD_API -> {
                SimEndpoint s = simulator.registerCloudApi(id, CloudApiSettings.of(PHONE_NUMBER_ID, key,
                        "bench-app-secret"), null, false);
                yield new Server(p, s, key, s.apiUrl() + "/" + API_VERSION + "/" + PHONE_NUMBER_ID
                        + "?fields=status,quality_rating,throughput", "Authorization", "Bearer " + key);
            }
            case WAHA -> {
                SimEndpoint s = simulator.registerWaha(id, WahaSettings.of(SESSION, key, null), null, false);
                yield new Server(p, s, key, s.apiUrl() + "/api/sessions/" + SESSION, "X-Api-Key", key);
            }
            case EVOLUTION -> {
                SimEndpoint s = simulator.registerEvolution(id, EvolutionSettings.of(INSTANCE, key, null), null,
                        false);
                yield new Server(p, s, key, s.apiUrl() + "/instance/connectionState/" + INSTANCE, "apikey", key);
            }
        };
    }

    /**
     * Seeds tenants and endpoints, pipelined (acknowledged at the end).
     *
     * @return the endpoint ids
     */
    List<String> seed(int endpoints, int endpointsPerTenant, int intervalSeconds) {
        Map<String, Object> p = KafkaClients.durableProducer(broker.bootstrapServers(), "bench-seed",
                Duration.ofSeconds(30), Duration.ofSeconds(120));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        List<String> ids = new ArrayList<>(endpoints);
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<Future<?>> last = new ArrayList<>();
            String tenant = null;
            for (int i = 0; i < endpoints; i++) {
                boolean first = i % endpointsPerTenant == 0;
                String endpointId = String.format("ep_%s_%06d", runId, i);
                if (first) {
                    tenant = String.format("bench_%s_%06d", runId, i / endpointsPerTenant);
                    send(producer, topics.tenantConfig(), tenant, new TenantConfiguration(tenant, endpointId, true,
                            true, 30, intervalSeconds, 3, 30_000, now, now));
                }
                Server server = servers.get(i % servers.size());
                Endpoint e = endpoint(tenant, endpointId, server, first, now);
                Future<?> f = send(producer, topics.endpoints(), endpointId, e);
                if (i >= endpoints - 10) {
                    last.add(f);
                }
                ids.add(endpointId);
            }
            producer.flush();
            for (Future<?> f : last) {
                f.get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("seeding failed", e);
        }
        return ids;
    }

    private Endpoint endpoint(String tenant, String id, Server s, boolean primary, Instant now) {
        ProviderType p = s.provider();
        return new Endpoint(id, tenant, id, p, s.sim().apiUrl(),
                p == ProviderType.CLOUD_API ? API_VERSION : null,
                p == ProviderType.CLOUD_API ? PHONE_NUMBER_ID : null,
                p == ProviderType.WAHA ? SESSION : null,
                p == ProviderType.EVOLUTION ? INSTANCE : null,
                secrets.seal(s.key(), Endpoint.secretContext(tenant, id, "apiKey")), null, null, true, primary, 1,
                now, now);
    }

    private static <V> Future<?> send(KafkaProducer<byte[], byte[]> producer, Topic<String, V> t, String key,
                                      V value) {
        return producer.send(new ProducerRecord<>(t.name(), t.keySerde().serializer().serialize(t.name(), key),
                t.valueSerde().serializer().serialize(t.name(), value)));
    }

    /** Records on the health topic so far (all partitions): what the monitor has published. */
    long healthRecords() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> want = new HashMap<>();
            for (int i = 0; i < topics.endpointHealth().partitions(); i++) {
                want.put(new TopicPartition(topics.endpointHealth().name(), i), OffsetSpec.latest());
            }
            return admin.listOffsets(want).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(r -> r.offset()).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Environment of a monitor JVM. */
    Map<String, String> monitorEnv(int intervalSeconds) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("WHATSAPP_TOPIC_PREFIX", topicPrefix);
        env.put("WHATSAPP_ENCRYPTION_KEYS", encryptionKeys);
        // The simulator listens on loopback, which the endpoint-URL guard refuses by default.
        env.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true");
        env.put("WHATSAPP_HEALTH_CHECK_INTERVAL", Integer.toString(intervalSeconds));
        env.put("LOG_FORMAT", "json");
        return env;
    }

    List<Server> servers() {
        return servers;
    }

    Simulator simulator() {
        return simulator;
    }

    long brokerPid() {
        return broker.pid();
    }

    String brokerDescription() {
        return broker == null ? "?" : broker.describe();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        StackParts.quietly("simulator", () -> {
            if (simulator != null) {
                simulator.close();
            }
        });
        StackParts.quietly("Kafka broker", () -> {
            if (broker != null) {
                broker.close();
            }
        });
    }
}
