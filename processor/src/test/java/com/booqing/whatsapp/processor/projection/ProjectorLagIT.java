package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.processor.testing.TestSecrets;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Streams writes the events topic in transactions, so each transaction leaves a commit marker after its records.
 * Once traffic stops, the projector's group must not stay behind those markers: dashboards and alerts read its lag.
 */
@KafkaAndRedis
class ProjectorLagIT {

    @Test
    void lagReachesZeroOnceTransactionalTrafficStops(Infra infra) throws Exception {
        Topics topics = infra.newTopics();
        RedisKeys keys = infra.newRedisKeys();
        String tenant = infra.uniqueId("t");
        String group = infra.uniqueId("g");
        Map<String, Object> config = new HashMap<>(KafkaClients.durableProducer(infra.bootstrapServers(),
                "projector-lag-it", Duration.ofSeconds(30), Duration.ofSeconds(60)));
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, infra.uniqueId("tx"));
        String topic = topics.events().name();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            for (int i = 0; i < 3; i++) {
                producer.beginTransaction();
                String phone = "+1650555010" + i;
                producer.send(new ProducerRecord<>(topic, (tenant + ":" + phone).getBytes(StandardCharsets.UTF_8),
                        encode(topics, inboundText(tenant, "wamid.L" + i, phone))));
                producer.commitTransaction();
            }
        }
        ProjectionPlanner planner = new ProjectionPlanner(topics, keys, Duration.ofHours(1),
                TestSecrets.endpointView());
        try (RedisProjector projector = RedisProjector.create(infra.bootstrapServers(), group, planner,
                new ProjectionScript(infra.redis()), keys, new SimpleMeterRegistry()).start();
             Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < topics.events().partitions(); p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                ends.forEach((tp, end) -> {
                    if (end > 0) {
                        assertThat(committed.get(tp)).as("committed offset of " + tp).isNotNull();
                        assertThat(committed.get(tp).offset()).as("lag of " + tp).isEqualTo(end);
                    }
                });
            });
        } finally {
            infra.deleteKeys(keys);
        }
    }

    @SuppressWarnings("unchecked")
    private static byte[] encode(Topics topics, Envelope e) {
        return ((JsonSerde<Envelope>) topics.events().valueSerde()).encode(e);
    }

    private static Envelope inboundText(String tenant, String wamid, String phone) {
        Instant at = Instant.parse("2025-06-09T10:00:00Z");
        InboundMessage m = new InboundMessage(EventIds.inboundMessageId(tenant, wamid), wamid, tenant, "ep_1",
                ProviderType.CLOUD_API, phone, null, "Sheena Nelson", at, new MessageContent.Text("hi", null), null);
        return new Envelope(EventIds.eventId(tenant, "cloud-api", wamid), tenant, at, "req-" + wamid, m);
    }
}
