package com.booqing.whatsapp.ops.copy;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RecordCopierTest {
    private static final String TOPIC = "t";
    private final TopicPartition p0 = new TopicPartition(TOPIC, 0);
    private final TopicPartition p1 = new TopicPartition(TOPIC, 1);

    private MockConsumer<byte[], byte[]> consumerWith(int perPartition) {
        MockConsumer<byte[], byte[]> c = new MockConsumer<>("earliest");
        c.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
        c.updateEndOffsets(Map.of(p0, (long) perPartition, p1, (long) perPartition));
        c.schedulePollTask(() -> {
            for (int i = 0; i < perPartition; i++) {
                c.addRecord(record(0, i, "a:" + i));
                c.addRecord(record(1, i, (i % 2 == 0 ? "a:" : "b:") + i));
            }
        });
        return c;
    }

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, String key) {
        return new ConsumerRecord<>(TOPIC, partition, offset, key.getBytes(StandardCharsets.UTF_8),
                ("v" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static Selection.Selector tenantA() {
        return r -> new String(r.key(), StandardCharsets.UTF_8).startsWith("a:")
                ? new Selection.Copy(new ProducerRecord<>("dest", r.partition(), r.key(), r.value()))
                : new Selection.Skip("another tenant");
    }

    private static Progress quiet() {
        return new Progress("test", 0, new PrintWriter(new StringWriter()), System::nanoTime, Duration.ofHours(1));
    }

    @Test
    void copiesTheSelectedRecordsOfThePlannedRangesOnly() {
        MockConsumer<byte[], byte[]> consumer = consumerWith(6);
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        CopyPlan plan = new CopyPlan(TOPIC, List.of(new PartitionRange(0, 2, 5), new PartitionRange(1, 0, 4)),
                null, null, List.of());

        CopyStats stats = new RecordCopier(consumer, producer, quiet(), System::nanoTime, Duration.ofSeconds(5))
                .copy(plan, tenantA(), r -> new String(r.key(), StandardCharsets.UTF_8).substring(0, 1));

        assertThat(stats.scannedCount()).isEqualTo(7);
        assertThat(stats.copiedCount()).isEqualTo(5); // p0 offsets 2,3,4 and p1 offsets 0,2
        assertThat(stats.skippedByReason()).containsEntry("another tenant", 2L);
        assertThat(producer.history()).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("a:2", "a:3", "a:4", "a:0", "a:2");
        assertThat(stats.copiedByTenant()).containsEntry("a", 5L);
        assertThat(consumer.paused()).containsExactlyInAnyOrder(p0, p1);
    }

    @Test
    void aDryRunCountsButWritesNothing() {
        MockConsumer<byte[], byte[]> consumer = consumerWith(3);
        CopyPlan plan = new CopyPlan(TOPIC, List.of(new PartitionRange(0, 0, 3), new PartitionRange(1, 0, 3)),
                null, null, List.of());

        CopyStats stats = new RecordCopier(consumer, null, quiet(), System::nanoTime, Duration.ofSeconds(5))
                .copy(plan, tenantA(), r -> null);

        assertThat(stats.copiedCount()).isEqualTo(5);
        assertThat(stats.lastWrittenOffsets()).isEmpty();
    }

    @Test
    void anEmptyPlanReadsNothing() {
        MockConsumer<byte[], byte[]> consumer = consumerWith(3);
        CopyPlan plan = new CopyPlan(TOPIC, List.of(new PartitionRange(0, 3, 3)), null, null, List.of());

        CopyStats stats = new RecordCopier(consumer, null, quiet(), System::nanoTime, Duration.ofSeconds(5))
                .copy(plan, tenantA(), r -> null);

        assertThat(stats.scannedCount()).isZero();
        assertThat(consumer.assignment()).isEmpty();
    }

    @Test
    void aPartitionThatYieldsNothingBeforeItsEndFailsInsteadOfHanging() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updateBeginningOffsets(Map.of(p0, 0L));
        consumer.updateEndOffsets(Map.of(p0, 10L));
        CopyPlan plan = new CopyPlan(TOPIC, List.of(new PartitionRange(0, 0, 10)), null, null, List.of());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RecordCopier(consumer, null, quiet(),
                        System::nanoTime, Duration.ofMillis(300)).copy(plan, tenantA(), r -> null))
                .hasMessageContaining("no records from t-0").hasMessageContaining("should reach 10");
    }
}
