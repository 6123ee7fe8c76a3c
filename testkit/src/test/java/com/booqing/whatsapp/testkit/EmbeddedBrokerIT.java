package com.booqing.whatsapp.testkit;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.devstack.FreePorts;
import com.booqing.whatsapp.devstack.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@KafkaAndRedis
class EmbeddedBrokerIT {

    @Test
    void deliversAnAcknowledgedRecordToAConsumer(Infra infra) throws Exception {
        Topics topics = infra.newTopics();
        String topic = topics.webhooksRaw().name();
        String key = infra.uniqueId("key");
        RecordMetadata written;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.durableProducer(
                infra.bootstrapServers(), "it-producer", Duration.ofSeconds(10), Duration.ofSeconds(20)))) {
            written = producer.send(new ProducerRecord<>(topic, bytes(key), bytes("hello"))).get(20, TimeUnit.SECONDS);
        }

        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                KafkaClients.committedReader(infra.bootstrapServers(), null, "it-reader"))) {
            TopicPartition tp = new TopicPartition(topic, written.partition());
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (read.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        assertThat(read).hasSize(1);
        assertThat(new String(read.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(new String(read.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(read.get(0).offset()).isEqualTo(written.offset());
    }

    @Test
    void bootstrapCreatesTheCataloguesPartitionsAndCleanupPolicies(Infra infra) throws Exception {
        Topics topics = infra.newTopics();
        List<String> names = topics.all().stream().map(Topic::name).toList();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(20, TimeUnit.SECONDS);
            List<ConfigResource> resources = names.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(20, TimeUnit.SECONDS);

            for (Topic<?, ?> t : topics.all()) {
                assertThat(described.get(t.name()).partitions()).as(t.name()).hasSize(t.partitions());
                String policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.name()))
                        .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
                assertThat(policy).as(t.name()).isEqualTo(t.compacted() ? "compact" : "delete");
            }
            assertThat(topics.all().stream().filter(Topic::compacted).map(Topic::name).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder(topics.tenantConfig().name(), topics.endpoints().name(),
                            topics.devices().name(), topics.endpointHealth().name(), topics.apiKeys().name(),
                            topics.deviceSessions().name());
        }
    }

    @Test
    void closeStopsTheBrokerAndDeletesItsData() {
        KafkaBroker broker = KafkaBroker.start();
        long pid = broker.pid();
        assertThat(FreePorts.isListening(broker.port())).isTrue();
        assertThat(broker.startupTime()).isLessThan(KafkaBroker.DEFAULT_START_TIMEOUT);

        broker.close();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.exists(broker.dataDir())).isFalse();
        assertThat(FreePorts.isListening(broker.port())).isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
