package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
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
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.ingress.kafka.AckedPublisher;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The ingress as IngressMain wires it, against the real broker: HTTP in, records on the topics out. */
@KafkaAndRedis
class IngressIT {
    static final String ADMIN_KEY = Canaries.text("ingress IT admin API key");
    static final String APP_SECRET = Canaries.text("ingress cloud app secret");

    final Infra infra;
    final Topics topics;
    final RedisKeys keys;
    final SecretBox box = TestEndpoints.newSecretBox();
    final String tenant;
    final String endpointId;
    final HttpClient http = AuditedHttpClient.of(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build());
    Ingress ingress;

    IngressIT(Infra infra) {
        this.infra = infra;
        this.topics = infra.newTopics();
        this.keys = infra.newRedisKeys();
        this.tenant = infra.uniqueId("tenant");
        this.endpointId = infra.uniqueId("ep");
    }

    @BeforeEach
    void startIngress() throws Exception {
        Endpoint endpoint = TestEndpoints.cloudApi(box, tenant, endpointId, APP_SECRET, Canaries.text("ingress cloud verify token"));
        try (KafkaProducer<byte[], byte[]> admin = new KafkaProducer<>(KafkaClients.durableProducer(
                infra.bootstrapServers(), "it-endpoint-writer", Duration.ofSeconds(10), Duration.ofSeconds(30)))) {
            admin.send(AckedPublisher.encode(topics.endpoints(),
                    new ProducerRecord<>(topics.endpoints().name(), endpointId, endpoint))).get();
        }
        String prefix = topics.webhooksRaw().name().substring(0, topics.webhooksRaw().name().indexOf("whatsapp."));
        GatewayConfig gateway = GatewayConfig.from(new Env(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "REDIS_URL", infra.redisUrl(),
                "WHATSAPP_TOPIC_PREFIX", prefix,
                "WHATSAPP_REDIS_NAMESPACE", keys.namespace())));
        IngressConfig config = IngressConfig.from(new Env(Map.of(
                "INGRESS_HOST", "127.0.0.1", "INGRESS_PORT", "0", "WHATSAPP_ADMIN_API_KEY", ADMIN_KEY)));
        ingress = new Ingress(config, IngressDependencies.production(gateway, box)).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> get("/health").statusCode() == 200);
    }

    @AfterEach
    void stop() {
        if (ingress != null) {
            ingress.close();
        }
        infra.deleteKeys(keys);
    }

    @Test
    void signedWebhookLandsOnTheRawTopicWithItsExactBytesAndHeaders() throws Exception {
        byte[] body = IngressWebhookTest.BODY;
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url("/api/whatsapp/webhook/" + tenant + "/" + endpointId))
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "facebookexternalua")
                        .header("X-Hub-Signature-256", TestEndpoints.cloudApiSignature(APP_SECRET, body))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        String requestId = Json.lenient().readTree(response.body()).get("requestId").asText();
        ConsumerRecord<byte[], byte[]> record = find(topics.webhooksRaw(),
                r -> requestId.equals(RawWebhook.fromRecord(asStringKeyed(r)).requestId()));
        assertThat(record.value()).isEqualTo(body);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(tenant + ":" + endpointId);
        RawWebhook raw = RawWebhook.fromRecord(asStringKeyed(record));
        assertThat(raw.tenantId()).isEqualTo(tenant);
        assertThat(raw.endpointId()).isEqualTo(endpointId);
        assertThat(raw.provider()).isEqualTo(ProviderType.CLOUD_API);
        assertThat(raw.providerHeaders()).containsEntry("content-type", "application/json")
                .containsEntry("user-agent", "facebookexternalua");
    }

    @Test
    void sendRequestLandsOnTheSendCommandTopic() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url("/api/whatsapp/messages/" + tenant))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .header("Idempotency-Key", "it-1")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"to\":\"+31612345678\",\"type\":\"text\",\"content\":\"Hello from Booqing!\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
        String messageId = Json.lenient().readTree(response.body()).get("messageId").asText();
        ConsumerRecord<byte[], byte[]> record = find(topics.sendCommands(),
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(messageId));
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(tenant + ":+31612345678");
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + ingress.port() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(url(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private ConsumerRecord<byte[], byte[]> find(Topic<?, ?> topic, Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.committedReader(infra.bootstrapServers(), null, "it-reader"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(r)) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no matching record on " + topic.name() + " within 30 s");
    }

    private static ConsumerRecord<String, byte[]> asStringKeyed(ConsumerRecord<byte[], byte[]> r) {
        return new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                r.serializedKeySize(), r.serializedValueSize(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), r.value(), r.headers(),
                Optional.empty());
    }
}
