package com.booqing.whatsapp.reliability.outbound;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.sender.Sender;
import com.booqing.whatsapp.sender.SenderSettings;
import com.booqing.whatsapp.sender.delivery.Sleeper;
import com.booqing.whatsapp.sender.idempotency.RedisIdempotencyStore;
import com.booqing.whatsapp.sender.provider.CloudApiAdapter;
import com.booqing.whatsapp.sender.provider.EvolutionAdapter;
import com.booqing.whatsapp.sender.provider.WahaAdapter;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.cloudapi.CloudApiSettings;
import com.booqing.whatsapp.testkit.Infra;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the outbound fault tests share, wired the way the sender's main wires it but in this JVM: the real broker and
 * Redis from testkit, the provider simulator (Cloud API numbers, receipts off: these tests look at sends, and the
 * receipts would only add webhook load), a topic catalogue of its own, a results reader, and senders with every
 * provider adapter and a meter registry the test can read.
 *
 * <p>Tenants and endpoints are published before the sender starts (its start reads the configuration topics to
 * their end), so the sender knows them all when the first command arrives.
 */
final class OutboundStage implements AutoCloseable {
    static final String PHONE_NUMBER_ID = "106540352242922";
    private static final ObjectMapper JSON = Json.lenient();

    final Infra infra;
    final Simulator simulator;
    final Topics topics;
    /** The simulated numbers' app secret (the sender never needs it). */
    private static final String APP_SECRET = Canaries.text("reliability outbound app secret");
    final RedisKeys keys;
    final SecretBox box;
    final Results results;
    /** The encryption key as WHATSAPP_ENCRYPTION_KEYS, for a sender in a child JVM. */
    private final String encryptionKeys;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Sender> senders = new ArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();

    OutboundStage(Infra infra) {
        this.infra = infra;
        // Room for the long profile's request logs (60 s x 100/s plus the phases around it, per endpoint).
        this.simulator = new Simulator(SimulatorConfig.defaults().withRequestLogCapacity(100_000)).start(0);
        this.topics = infra.newTopics();
        this.keys = infra.newRedisKeys();
        this.encryptionKeys = Canaries.encryptionKeys("reliability");
        this.box = SecretBox.fromEnv(new com.booqing.whatsapp.common.config.Env(
                Map.of(SecretBox.ENV, encryptionKeys)));
        this.producer = new KafkaProducer<>(KafkaClients.durableProducer(infra.bootstrapServers(), "outbound-load",
                Duration.ofSeconds(20), Duration.ofSeconds(30)), new ByteArraySerializer(), new ByteArraySerializer());
        this.results = new Results(infra.bootstrapServers(), topics.sendResults().name());
    }

    /**
     * Test settings: 2 retries with fast backoff, a breaker that opens after half of at least 5 of the last 10 calls
     * failed and tries again after 1 s, and a rate limit (1,000/s, an upgraded Cloud API number) above the test's
     * load so that the limit plays no part. The timeout stays generous so that a loaded machine does not turn a
     * slow answer into an ambiguous send; tests about timeouts give their tenant a messageTimeout.
     */
    static Map<String, String> settings() {
        Map<String, String> env = new HashMap<>();
        env.put("WHATSAPP_DEFAULT_TIMEOUT", "5000");
        env.put("WHATSAPP_DEFAULT_RETRIES", "2");
        env.put("SENDER_BACKOFF_BASE_MS", "50");
        env.put("SENDER_BACKOFF_MAX_MS", "400");
        env.put("SENDER_BREAKER_WINDOW", "10");
        env.put("SENDER_BREAKER_MIN_CALLS", "5");
        env.put("SENDER_BREAKER_OPEN_MS", "1000");
        env.put("SENDER_RATE_PER_SECOND_DEFAULT", "1000");
        return env;
    }

    /** A sender in this JVM; its meters are in {@code meters}. */
    Sender startSender(Map<String, String> settings, SimpleMeterRegistry meters) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
        env.put("REDIS_URL", infra.redisUrl());
        env.put("WHATSAPP_REDIS_NAMESPACE", keys.namespace());
        env.put("SENDER_GROUP_ID", senderGroup());
        // The simulator's endpoints listen on loopback, which the endpoint-URL guard refuses by default.
        env.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true");
        Env e = new Env(env);
        GatewayConfig config = GatewayConfig.from(e);
        var http = CloudApiAdapter.httpClient(Duration.ofSeconds(1));
        Sender sender = new Sender(config, SenderSettings.from(e, config), topics, box,
                List.of(new CloudApiAdapter(http), new WahaAdapter(http), new EvolutionAdapter(http)),
                new RedisIdempotencyStore(infra.redis(), keys), Clock.systemUTC(), Sleeper.SYSTEM, meters).start();
        synchronized (senders) {
            senders.add(sender);
        }
        return sender;
    }

    String encryptionKeys() {
        return encryptionKeys;
    }

    /** The consumer group of this stage's senders, in this JVM or a child. */
    String senderGroup() {
        return topics.sendCommands().name() + "-sender";
    }

    String tenant(String name) {
        return infra.uniqueId(name);
    }

    /** A Cloud API number in the simulator (receipts off) and the gateway endpoint for it, published. */
    Endpoint cloud(String tenant, String name, boolean primary) throws Exception {
        String id = infra.uniqueId(name);
        String token = Canaries.text("reliability outbound access token");
        SimEndpoint sim = simulator.registerCloudApi(id, CloudApiSettings.of(PHONE_NUMBER_ID, token, APP_SECRET),
                null, false);
        Instant now = Instant.now();
        Endpoint endpoint = new Endpoint(id, tenant, name, ProviderType.CLOUD_API, sim.apiUrl(), "v23.0",
                PHONE_NUMBER_ID, null, null, box.seal(token, Endpoint.secretContext(tenant, id, "apiKey")), null, null,
                true, primary, 1, now, now);
        send(topics.endpoints(), endpoint.id(), endpoint, now);
        return endpoint;
    }

    /** The tenant's configuration: its primary, whether it fails over, its call timeout. */
    void configure(String tenant, String primaryEndpointId, boolean failover, int messageTimeoutMs) throws Exception {
        Instant now = Instant.now();
        send(topics.tenantConfig(), tenant, new TenantConfiguration(tenant, primaryEndpointId, failover, true, 30, 60,
                3, messageTimeoutMs, now, now), now);
    }

    /** A text command to {@code to} with an idempotency key of its own. */
    SendCommand text(String tenant, String to, String body) {
        return new SendCommand(null, tenant, null, null, to, new MessageContent.Text(body, null),
                "rel-" + sequence.incrementAndGet() + "-" + System.nanoTime(), null, Instant.now());
    }

    /** {@code n} valid, distinct Dutch mobile numbers. */
    static List<String> recipients(int n) {
        List<String> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(String.format("+316%08d", 20_000_000 + i));
        }
        return all;
    }

    /**
     * Publishes a command with the current time as its record timestamp (the sender measures latency from it) and
     * does not wait for the broker: @return the acknowledgement to await
     */
    Future<RecordMetadata> publish(SendCommand command, long timestampMillis) {
        Topic<String, SendCommand> topic = topics.sendCommands();
        return producer.send(new ProducerRecord<>(topic.name(), null, timestampMillis,
                topic.keySerde().serializer().serialize(topic.name(), command.partitionKey()),
                topic.valueSerde().serializer().serialize(topic.name(), command)));
    }

    /**
     * Sends {@code perTenant} commands for each tenant and waits for their results: a new consumer group gets its
     * partitions only after the broker's initial rebalance delay (3 s) and a cold JVM is slow, and neither belongs
     * in a measurement. @return what was published, to be counted in the test's oracle like everything else
     */
    List<Load.Published> warmUp(List<String> tenants, int perTenant) throws Exception {
        List<String> to = recipients(perTenant);
        List<Load.Published> published = new ArrayList<>();
        for (String tenant : tenants) {
            for (int i = 0; i < perTenant; i++) {
                SendCommand command = text(tenant, to.get(i), "Warm-up " + i);
                Instant now = Instant.now();
                publish(command, now.toEpochMilli()).get(30, TimeUnit.SECONDS);
                published.add(new Load.Published(command, now.toEpochMilli(), now));
            }
        }
        long missing = results.awaitAll(published.stream().map(Load.Published::messageId).toList(),
                Duration.ofSeconds(90));
        if (missing > 0) {
            throw new AssertionError(missing + " warm-up commands without a result after 90 s");
        }
        return published;
    }

    private <K, V> void send(Topic<K, V> topic, K key, V value, Instant at) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), null, at.toEpochMilli(),
                topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value))).get(30, TimeUnit.SECONDS);
    }

    /** The requests an endpoint received that carried a send, by the gateway message id they carried (Cloud API echoes it). */
    Map<String, List<RecordedRequest>> sendsByMessage(Endpoint endpoint) {
        Map<String, List<RecordedRequest>> byMessage = new LinkedHashMap<>();
        for (RecordedRequest r : simulator.requests(endpoint.id())) {
            if (!r.method().equals("POST") || !r.path().endsWith("/messages")) {
                continue;
            }
            byMessage.computeIfAbsent(messageId(r), k -> new ArrayList<>()).add(r);
        }
        return byMessage;
    }

    /** The gateway's message id in a Cloud API send body: biz_opaque_callback_data. */
    static String messageId(RecordedRequest request) {
        try {
            return JSON.readTree(request.body()).path("biz_opaque_callback_data").asText();
        } catch (Exception e) {
            throw new AssertionError("unreadable send body: " + request.body(), e);
        }
    }

    /** Sum of a counter over all its tags, or over those with the given tag pairs. */
    static double count(SimpleMeterRegistry meters, String name, String... tags) {
        return meters.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    void stop(Sender sender) {
        synchronized (senders) {
            senders.remove(sender);
        }
        sender.close();
    }

    @Override
    public void close() {
        List<Sender> all;
        synchronized (senders) {
            all = List.copyOf(senders);
            senders.clear();
        }
        all.forEach(Sender::close);
        results.close();
        producer.close(Duration.ofSeconds(5));
        simulator.close();
        infra.deleteKeys(keys);
    }
}
