package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@KafkaAndRedis
class HealthMonitorIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration INTERVAL = Duration.ofMillis(200);
    private static final String PHONE_NUMBER_ID = "106540352242922";

    private static final SecretBox box = secretBox();
    private static Simulator simulator;
    private static Topics topics;
    private static KafkaProducer<byte[], byte[]> producer;
    private static HealthRecords health;
    private static HealthMonitor monitor;

    private static SecretBox secretBox() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SecretBox(Map.of("it", key));
    }

    @BeforeAll
    static void start(Infra infra) {
        simulator = new Simulator(SimulatorConfig.defaults()).start(0);
        topics = infra.newTopics();
        producer = new KafkaProducer<>(KafkaClients.durableProducer(infra.bootstrapServers(), "it-producer",
                Duration.ofSeconds(20), Duration.ofSeconds(30)), new ByteArraySerializer(), new ByteArraySerializer());
        health = new HealthRecords(infra.bootstrapServers(), topics.endpointHealth());
        GatewayConfig config = GatewayConfig.from(new Env(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "WHATSAPP_DEFAULT_TIMEOUT", "1000")));
        HealthSettings settings = new HealthSettings(INTERVAL, new HealthTracker.Thresholds(3, 2, 1000));
        Probes probes = new Probes(List.of(new CloudApiProbe(CloudApiProbe.httpClient(Duration.ofSeconds(1)))), box);
        monitor = new HealthMonitor(config, settings, topics, probes, Clock.systemUTC(), new SimpleMeterRegistry())
                .start();
    }

    @AfterAll
    static void stop() {
        if (monitor != null) {
            monitor.close();
        }
        if (health != null) {
            health.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /** Publishes a gateway endpoint whose key is "token-" + its id, as the simulator endpoints are given. */
    private static Endpoint publish(String tenant, String id, ProviderType provider, String apiUrl) throws Exception {
        Instant now = Instant.now();
        Endpoint endpoint = new Endpoint(id, tenant, id, provider, apiUrl, "v23.0", PHONE_NUMBER_ID, null, null,
                box.seal("token-" + id, Endpoint.secretContext(tenant, id, "apiKey")), null, null, true, true, 1,
                now, now);
        Topic<String, Endpoint> t = topics.endpoints();
        producer.send(new ProducerRecord<>(t.name(), t.keySerde().serializer().serialize(t.name(), id),
                t.valueSerde().serializer().serialize(t.name(), endpoint))).get();
        return endpoint;
    }

    private static List<HealthState> changes(String endpointId) {
        return health.of(endpointId).stream().filter(h -> !h.heartbeat()).map(EndpointHealth::state).toList();
    }

    /** Waits until the endpoint's latest published state (heartbeats aside) is {@code state}. */
    private static void awaitLatest(String endpointId, HealthState state) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            health.poll();
            List<HealthState> c = changes(endpointId);
            return !c.isEmpty() && c.get(c.size() - 1) == state;
        });
    }

    @Test
    void endpointGoingDarkTurnsUnhealthyAfterTheThresholdAndHealthyAgainWhenBack(Infra infra) throws Exception {
        String id = infra.uniqueId("ep");
        SimEndpoint sim = simulator.registerCloudApi(id, PHONE_NUMBER_ID, "token-" + id, "app-secret", null);
        Endpoint endpoint = publish(infra.uniqueId("tenant"), id, ProviderType.CLOUD_API, sim.apiUrl());

        // A cold first probe may time out and publish UNKNOWN first; what counts is the way from HEALTHY on.
        awaitLatest(endpoint.id(), HealthState.HEALTHY);
        int healthyAt = changes(endpoint.id()).size() - 1;
        assertThat(simulator.requests(id)).first().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.path()).isEqualTo("/v23.0/" + PHONE_NUMBER_ID);
        });

        Instant dark = Instant.now();
        simulator.fault(id, Fault.dark());
        awaitLatest(endpoint.id(), HealthState.UNHEALTHY);
        EndpointHealth unhealthy = last(endpoint.id());
        assertThat(unhealthy.lastError()).isEqualTo("connection refused");
        // Three failed probes, one interval apart, before the verdict: not the first refused connection.
        assertThat(Duration.between(dark, unhealthy.checkedAt())).isGreaterThanOrEqualTo(INTERVAL.multipliedBy(2));

        simulator.fault(id, Fault.none());
        simulator.clearRequests(id);
        awaitLatest(endpoint.id(), HealthState.HEALTHY);

        assertThat(simulator.requests(id)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(last(endpoint.id()).lastError()).isNull();
        List<HealthState> c = changes(endpoint.id());
        assertThat(c.subList(healthyAt, c.size()))
                .containsExactly(HealthState.HEALTHY, HealthState.UNHEALTHY, HealthState.HEALTHY);
    }

    @Test
    void endpointOfAProviderWithoutProbeIsReportedUnknown(Infra infra) throws Exception {
        Endpoint endpoint = publish(infra.uniqueId("tenant"), infra.uniqueId("ep"), ProviderType.WAHA,
                "http://127.0.0.1:1");

        awaitLatest(endpoint.id(), HealthState.UNKNOWN);

        assertThat(last(endpoint.id()).lastError()).isEqualTo("probe not supported yet");
        assertThat(last(endpoint.id()).tenantId()).isEqualTo(endpoint.tenantId());
    }

    private static EndpointHealth last(String endpointId) {
        List<EndpointHealth> all = health.of(endpointId);
        return all.get(all.size() - 1);
    }

    /** Everything published on the health topic, read from the beginning by one consumer. */
    private static final class HealthRecords implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final JsonSerde<EndpointHealth> serde = JsonSerde.of(EndpointHealth.class);
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

        HealthRecords(String bootstrap, Topic<String, EndpointHealth> topic) {
            consumer = new KafkaConsumer<>(KafkaClients.committedReader(bootstrap, null, "it-health-reader"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        synchronized void poll() {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
        }

        synchronized List<EndpointHealth> of(String endpointId) {
            List<EndpointHealth> out = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(endpointId)
                        && serde.decode(r.value()) instanceof Decoded.Ok<EndpointHealth> ok) {
                    out.add(ok.value());
                }
            }
            return out;
        }

        @Override
        public synchronized void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
