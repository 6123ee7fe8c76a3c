package com.booqing.whatsapp.ops.redrive;

import com.booqing.whatsapp.common.webhook.DeadLetter;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.ops.copy.CopyPlan;
import com.booqing.whatsapp.ops.copy.RecordTenants;
import com.booqing.whatsapp.ops.copy.Selection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps a dead letter of the chosen tenants, time window and reason whose {@code dlq.source-topic} is the
 * destination, and rebuilds the record it was: original key, bytes, timestamp and headers without {@code dlq.*},
 * on its source partition (when the destination has it), plus {@code wa.redrive}.
 */
final class RedriveSelector implements Selection.Selector {
    static final String REDRIVE_HEADER = RawWebhook.HEADER_PREFIX + "redrive";
    static final String DLQ_PREFIX = "dlq.";

    private final CopyPlan plan;
    private final Set<String> tenants;
    private final String reason;
    private final String destination;
    private final int destinationPartitions;
    private final byte[] runId;

    RedriveSelector(CopyPlan plan, Set<String> tenants, String reason, String destination, int destinationPartitions,
                    String runId) {
        this.plan = plan;
        this.tenants = tenants;
        this.reason = reason == null ? null : reason.toLowerCase(Locale.ROOT);
        this.destination = destination;
        this.destinationPartitions = destinationPartitions;
        this.runId = runId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Selection select(ConsumerRecord<byte[], byte[]> r) {
        if (!plan.inWindow(r.timestamp())) {
            return new Selection.Skip("outside the time range");
        }
        if (!tenants.isEmpty() && !tenants.contains(RecordTenants.of(r))) {
            return new Selection.Skip("another tenant");
        }
        String why = DeadLetter.header(r.headers(), DeadLetter.REASON);
        if (reason != null && (why == null || !why.toLowerCase(Locale.ROOT).contains(reason))) {
            return new Selection.Skip("another reason");
        }
        String source = DeadLetter.header(r.headers(), DeadLetter.SOURCE_TOPIC);
        if (!destination.equals(source)) {
            return new Selection.Skip(source == null ? "no " + DeadLetter.SOURCE_TOPIC + " header"
                    : "dead-lettered from another topic");
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            if (!h.key().startsWith(DLQ_PREFIX) && !h.key().equals(REDRIVE_HEADER)) {
                headers.add(h);
            }
        }
        headers.add(REDRIVE_HEADER, runId);
        return new Selection.Copy(new ProducerRecord<>(destination, sourcePartition(r), r.timestamp(), r.key(),
                r.value(), headers));
    }

    /** The partition the record failed on, so it meets the same Streams task (and dedup store) as before. */
    private Integer sourcePartition(ConsumerRecord<byte[], byte[]> r) {
        String p = DeadLetter.header(r.headers(), DeadLetter.SOURCE_PARTITION);
        try {
            int partition = p == null ? -1 : Integer.parseInt(p);
            return partition >= 0 && partition < destinationPartitions ? partition : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
