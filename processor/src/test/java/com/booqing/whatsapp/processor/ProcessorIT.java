package com.booqing.whatsapp.processor;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.webhook.DeadLetter;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.processor.config.ProcessorConfig;
import com.booqing.whatsapp.processor.testing.Fixtures;
import com.booqing.whatsapp.processor.testing.TestSecrets;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole service on the real broker and Redis: a raw webhook in, the conversation in Redis out; management
 * commands in, their outcomes and the tenant's state in Redis out.
 */
@KafkaAndRedis
class ProcessorIT {

    @Test
    void projectsAWebhookIntoRedisAndDeadLettersABadOne(Infra infra, @TempDir Path stateDir) throws Exception {
        Topics topics = infra.newTopics();
        RedisKeys keys = infra.newRedisKeys();
        String tenant = infra.uniqueId("t");
        GatewayConfig gateway = GatewayConfig.from(new Env(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "REDIS_URL", infra.redisUrl(),
                "WHATSAPP_REDIS_NAMESPACE", keys.namespace())));
        ProcessorConfig config = new ProcessorConfig(infra.uniqueId("app"), infra.uniqueId("grp"), stateDir, 1,
                gateway, topics, TestSecrets.BOX);
        RawWebhook good = new RawWebhook("req-1", tenant, "ep_1", ProviderType.CLOUD_API, Instant.now(), Map.of(),
                Fixtures.cloudApi("text-message.json"));
        RawWebhook bad = new RawWebhook("req-2", tenant, "ep_1", ProviderType.CLOUD_API, Instant.now(), Map.of(),
                "{\"entry\":[".getBytes(StandardCharsets.UTF_8));

        try (Processor processor = new Processor(config, new SimpleMeterRegistry()).start();
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                     KafkaClients.durableProducer(infra.bootstrapServers(), "processor-it", Duration.ofSeconds(30),
                             Duration.ofSeconds(60)),
                     new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(bad.toRecord(topics.webhooksRaw().name())).get(30, TimeUnit.SECONDS);
            producer.send(good.toRecord(topics.webhooksRaw().name())).get(30, TimeUnit.SECONDS);
            producer.send(good.toRecord(topics.webhooksRaw().name())).get(30, TimeUnit.SECONDS);

            String phone = "+16505551234";
            String messageId = EventIds.inboundMessageId(tenant,
                    "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> infra.redis().exists(keys.conversation(tenant, phone)));
            assertThat(infra.redis().hget(keys.message(messageId), "content"))
                    .isEqualTo("{\"type\":\"text\",\"body\":\"Does it come in another color?\"}");
            assertThat(infra.redis().hget(keys.conversation(tenant, phone), "messageCount")).isEqualTo("1");
            assertThat(infra.redis().lrange(keys.events(tenant), 0, -1)).hasSize(1);

            List<ConsumerRecord<byte[], byte[]>> deadLetters = readAll(infra, topics.webhooksDeadLetter().name(), 1);
            assertThat(deadLetters).hasSize(1);
            assertThat(deadLetters.get(0).value()).isEqualTo(bad.body());
            assertThat(DeadLetter.header(deadLetters.get(0).headers(), DeadLetter.REASON)).startsWith("invalid JSON");
        } finally {
            infra.deleteKeys(keys);
        }
    }

    @Test
    void appliesManagementCommandsAndFoldsDeviceEventsIntoRedis(Infra infra, @TempDir Path stateDir)
            throws Exception {
        Topics topics = infra.newTopics();
        RedisKeys keys = infra.newRedisKeys();
        String tenant = infra.uniqueId("t");
        String endpointId = infra.uniqueId("ep");
        String deviceId = infra.uniqueId("dev");
        GatewayConfig gateway = GatewayConfig.from(new Env(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "REDIS_URL", infra.redisUrl(),
                "WHATSAPP_REDIS_NAMESPACE", keys.namespace())));
        ProcessorConfig config = new ProcessorConfig(infra.uniqueId("app"), infra.uniqueId("grp"), stateDir, 1,
                gateway, topics, TestSecrets.BOX);
        Endpoint waha = new Endpoint(endpointId, tenant, "WAHA", ProviderType.WAHA, "https://waha.example.com", null,
                null, "default", null, TestSecrets.seal(tenant, endpointId, "apiKey", Canaries.text("processor WAHA API key")),
                TestSecrets.seal(tenant, endpointId, "webhookSecret", Canaries.text("processor WAHA HMAC key")), null, true, false, 1,
                null, null);
        Device device = new Device(deviceId, tenant, endpointId, "Front desk", null, DeviceStatus.DISCONNECTED, null,
                null, 0, 0, null, null);

        try (Processor processor = new Processor(config, new SimpleMeterRegistry()).start();
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.durableProducer(
                     infra.bootstrapServers(), "processor-it", Duration.ofSeconds(30), Duration.ofSeconds(60)))) {
            send(producer, topics.managementCommands(), tenant,
                    new ManagementCommand("cmd_1", tenant, Instant.now(), new ManagementCommand.InitTenant(null)));
            send(producer, topics.managementCommands(), tenant,
                    new ManagementCommand("cmd_2", tenant, Instant.now(), new ManagementCommand.CreateEndpoint(waha)));
            send(producer, topics.managementCommands(), tenant,
                    new ManagementCommand("cmd_3", tenant, Instant.now(), new ManagementCommand.CreateDevice(device)));

            String outcomeKey = keys.namespace() + ":command:cmd_3";
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> infra.redis().exists(outcomeKey) && infra.redis().exists(keys.device(deviceId)));
            CommandOutcome created = Json.strict().readValue(infra.redis().get(keys.namespace() + ":command:cmd_2"),
                    CommandOutcome.class);
            assertThat(created.httpStatus()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> infra.redis().exists(keys.endpoint(endpointId)));
            assertThat(infra.redis().get(keys.endpoint(endpointId))).isEqualTo(created.resource().toString());
            assertThat(infra.redis().get(keys.config(tenant))).contains("\"primaryEndpointId\":\"" + endpointId);

            DeviceEvent pairing = new DeviceEvent(tenant, endpointId, null, DeviceStatus.PAIRING, "SCAN_QR_CODE",
                    "2@qr-from-waha", null, null, Instant.now());
            send(producer, topics.events(), tenant, new Envelope("evt_1", tenant, pairing.at(), "it", pairing));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> String.valueOf(infra.redis().get(keys.device(deviceId))).contains("2@qr-from-waha"));
            assertThat(infra.redis().get(keys.device(deviceId))).contains("\"status\":\"pairing\"");
            assertThat(processor.managementState()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
        } finally {
            infra.deleteKeys(keys);
        }
    }

    @Test
    void restartedProcessorTakesOverWithoutWaitingForTheOldOnesSessionToExpire(Infra infra, @TempDir Path stateDir)
            throws Exception {
        Topics topics = infra.newTopics();
        RedisKeys keys = infra.newRedisKeys();
        String tenant = infra.uniqueId("t");
        GatewayConfig gateway = GatewayConfig.from(new Env(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "REDIS_URL", infra.redisUrl(),
                "WHATSAPP_REDIS_NAMESPACE", keys.namespace())));
        String app = infra.uniqueId("app");
        String group = infra.uniqueId("grp");
        String wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=";
        String text = new String(Fixtures.cloudApi("text-message.json"), StandardCharsets.UTF_8);

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                KafkaClients.durableProducer(infra.bootstrapServers(), "processor-it", Duration.ofSeconds(30),
                        Duration.ofSeconds(60)),
                new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (String run : List.of("first", "second")) {
                ProcessorConfig config = new ProcessorConfig(app, group, stateDir.resolve(run), 1, gateway, topics,
                        TestSecrets.BOX);
                String id = wamid.replace("RgA=", run);
                RawWebhook webhook = new RawWebhook("req-" + run, tenant, "ep_1", ProviderType.CLOUD_API,
                        Instant.now(), Map.of(), text.replace(wamid, id).getBytes(StandardCharsets.UTF_8));
                // Streams' default close would keep the first instance's partitions assigned for its 45 s session.
                long started = System.nanoTime();
                try (Processor processor = new Processor(config, new SimpleMeterRegistry()).start()) {
                    producer.send(webhook.toRecord(topics.webhooksRaw().name())).get(30, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                            .until(() -> infra.redis().exists(keys.message(EventIds.inboundMessageId(tenant, id))));
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as(run + " instance's time to Redis")
                        .isLessThan(Duration.ofSeconds(35));
            }
        } finally {
            infra.deleteKeys(keys);
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> void send(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String key, V value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8),
                ((JsonSerde<V>) topic.valueSerde()).encode(value))).get(30, TimeUnit.SECONDS);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(Infra infra, String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.committedReader(infra.bootstrapServers(), null, "processor-it-reader"))) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
