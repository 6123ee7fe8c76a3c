package com.booqing.whatsapp.ops.redrive;

import com.booqing.whatsapp.common.webhook.DeadLetter;
import com.booqing.whatsapp.ops.copy.CopyPlan;
import com.booqing.whatsapp.ops.copy.PartitionRange;
import com.booqing.whatsapp.ops.copy.Selection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RedriveSelectorTest {
    private final CopyPlan everything = new CopyPlan("dlq", List.of(new PartitionRange(0, 0, 10)), null, null, List.of());

    private static ConsumerRecord<byte[], byte[]> deadLetter(String tenant, String sourceTopic, int sourcePartition,
                                                             String reason) {
        RecordHeaders original = new RecordHeaders();
        original.add("wa.tenant", tenant.getBytes(StandardCharsets.UTF_8));
        original.add("wa.request-id", "req-9".getBytes(StandardCharsets.UTF_8));
        var h = DeadLetter.headers(original, "processor.normalise", reason, sourceTopic, sourcePartition, 41,
                Instant.parse("2026-01-05T10:00:00Z"));
        return new ConsumerRecord<>("dlq", 0, 3, 1_767_000_000_000L, TimestampType.CREATE_TIME, -1, -1,
                (tenant + ":ep_1").getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8), h,
                Optional.empty());
    }

    @Test
    void rebuildsTheOriginalRecordOnItsSourcePartitionWithoutTheDeadLetterHeaders() {
        RedriveSelector selector = new RedriveSelector(everything, Set.of(), null, "raw", 6, "run-7");
        ConsumerRecord<byte[], byte[]> dead = deadLetter("salon", "raw", 5, "parser failed: NullPointerException");

        ProducerRecord<byte[], byte[]> out = ((Selection.Copy) selector.select(dead)).record();

        assertThat(out.topic()).isEqualTo("raw");
        assertThat(out.partition()).isEqualTo(5);
        assertThat(out.key()).isEqualTo(dead.key());
        assertThat(out.value()).isEqualTo(dead.value());
        assertThat(out.timestamp()).isEqualTo(dead.timestamp());
        assertThat(Arrays.stream(out.headers().toArray()).map(Header::key))
                .containsExactly("wa.tenant", "wa.request-id", RedriveSelector.REDRIVE_HEADER);
    }

    @Test
    void aSourcePartitionTheDestinationLacksIsLeftToTheKeyPartitioner() {
        RedriveSelector selector = new RedriveSelector(everything, Set.of(), null, "raw", 3, "run-7");

        ProducerRecord<byte[], byte[]> out = ((Selection.Copy) selector.select(deadLetter("salon", "raw", 5, "x")))
                .record();

        assertThat(out.partition()).isNull();
    }

    @Test
    void filtersByTenantReasonAndSourceTopic() {
        RedriveSelector selector = new RedriveSelector(everything, Set.of("salon"), "PARSER", "raw", 6, "run-7");

        assertThat(selector.select(deadLetter("salon", "raw", 0, "parser failed: X")))
                .isInstanceOf(Selection.Copy.class);
        assertThat(selector.select(deadLetter("clinic", "raw", 0, "parser failed: X")))
                .isEqualTo(new Selection.Skip("another tenant"));
        assertThat(selector.select(deadLetter("salon", "raw", 0, "invalid raw webhook record")))
                .isEqualTo(new Selection.Skip("another reason"));
        assertThat(selector.select(deadLetter("salon", "elsewhere", 0, "parser failed: X")))
                .isEqualTo(new Selection.Skip("dead-lettered from another topic"));
    }
}
