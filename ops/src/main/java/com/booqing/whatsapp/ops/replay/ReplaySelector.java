package com.booqing.whatsapp.ops.replay;

import com.booqing.whatsapp.ops.copy.CopyPlan;
import com.booqing.whatsapp.ops.copy.RecordTenants;
import com.booqing.whatsapp.ops.copy.Selection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Keeps a raw webhook of the chosen tenants inside the time window, and copies it unchanged — key, bytes, headers,
 * timestamp, partition — with {@code wa.replay} added. The same partition means the same Streams task and dedup
 * store as the original (the store is per task). Copies made by an earlier replay are skipped: the originals
 * are in the range already.
 */
final class ReplaySelector implements Selection.Selector {
    static final String EARLIER_COPY = "copy made by an earlier replay";
    static final String OTHER_TENANT = "another tenant";
    static final String OUTSIDE = "outside the time range";

    private final CopyPlan plan;
    private final Set<String> tenants;
    private final String destination;
    private final byte[] runId;

    ReplaySelector(CopyPlan plan, Set<String> tenants, String destination, String runId) {
        this.plan = plan;
        this.tenants = tenants;
        this.destination = destination;
        this.runId = runId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Selection select(ConsumerRecord<byte[], byte[]> r) {
        if (r.headers().lastHeader(ReplayCommand.REPLAY_HEADER) != null) {
            return new Selection.Skip(EARLIER_COPY);
        }
        if (!plan.inWindow(r.timestamp())) {
            return new Selection.Skip(OUTSIDE);
        }
        if (!tenants.isEmpty() && !tenants.contains(RecordTenants.of(r))) {
            return new Selection.Skip(OTHER_TENANT);
        }
        RecordHeaders headers = new RecordHeaders(r.headers().toArray());
        headers.add(ReplayCommand.REPLAY_HEADER, runId);
        return new Selection.Copy(new ProducerRecord<>(destination, r.partition(), r.timestamp(), r.key(), r.value(),
                headers));
    }
}
