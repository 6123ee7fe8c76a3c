package com.booqing.whatsapp.ops.replay;

import com.booqing.whatsapp.ops.copy.CopyPlan;
import com.booqing.whatsapp.ops.copy.PartitionRange;
import com.booqing.whatsapp.ops.copy.Selection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ReplaySelectorTest {
    private static final Instant FROM = Instant.parse("2026-01-05T10:00:00Z");
    private static final Instant TO = Instant.parse("2026-01-05T11:00:00Z");
    private final CopyPlan plan = new CopyPlan("raw", List.of(new PartitionRange(4, 0, 100)), FROM, TO, List.of());
    private final ReplaySelector selector = new ReplaySelector(plan, Set.of("salon"), "raw", "run-1");

    private static ConsumerRecord<byte[], byte[]> raw(String tenant, Instant at, boolean replayed) {
        RecordHeaders h = new RecordHeaders();
        h.add("wa.request-id", "req-1".getBytes(StandardCharsets.UTF_8));
        h.add("wa.tenant", tenant.getBytes(StandardCharsets.UTF_8));
        h.add("wa.h.x-hub-signature-256", "sha256=ab".getBytes(StandardCharsets.UTF_8));
        if (replayed) {
            h.add(ReplayCommand.REPLAY_HEADER, "run-0".getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>("raw", 4, 17, at.toEpochMilli(), TimestampType.CREATE_TIME, -1, -1,
                (tenant + ":ep_1").getBytes(StandardCharsets.UTF_8), "{\"body\":1}".getBytes(StandardCharsets.UTF_8), h,
                Optional.empty());
    }

    @Test
    void copiesTheWebhookUnchangedToItsOwnPartitionWithTheReplayHeader() {
        ConsumerRecord<byte[], byte[]> in = raw("salon", FROM.plusSeconds(60), false);

        Selection s = selector.select(in);

        ProducerRecord<byte[], byte[]> out = ((Selection.Copy) s).record();
        assertThat(out.topic()).isEqualTo("raw");
        assertThat(out.partition()).isEqualTo(4);
        assertThat(out.timestamp()).isEqualTo(in.timestamp());
        assertThat(out.key()).isEqualTo(in.key());
        assertThat(out.value()).isEqualTo(in.value());
        assertThat(out.headers().toArray()).hasSize(4);
        assertThat(out.headers().lastHeader("wa.h.x-hub-signature-256").value()).isEqualTo("sha256=ab".getBytes());
        assertThat(new String(out.headers().lastHeader(ReplayCommand.REPLAY_HEADER).value())).isEqualTo("run-1");
    }

    @Test
    void skipsOtherTenantsRecordsOutsideTheWindowAndEarlierCopies() {
        assertThat(selector.select(raw("clinic", FROM.plusSeconds(1), false)))
                .isEqualTo(new Selection.Skip(ReplaySelector.OTHER_TENANT));
        assertThat(selector.select(raw("salon", TO, false))).isEqualTo(new Selection.Skip(ReplaySelector.OUTSIDE));
        assertThat(selector.select(raw("salon", FROM.minusMillis(1), false)))
                .isEqualTo(new Selection.Skip(ReplaySelector.OUTSIDE));
        assertThat(selector.select(raw("salon", FROM, true)))
                .isEqualTo(new Selection.Skip(ReplaySelector.EARLIER_COPY));
    }
}
