package com.booqing.whatsapp.ops.copy;

import com.booqing.whatsapp.ops.BadArgumentsException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link RangeSpec} into offsets with the broker's own indexes: {@code offsetsForTimes} for a time range
 * (the first offset at or after each bound), the log start and end offsets for the rest. Ends are taken when the
 * command starts, so a copy on a live system never chases records that arrive while it runs, nor its own output.
 */
public final class RangeResolver {
    private final Consumer<byte[], byte[]> consumer;
    private final Duration timeout;

    public RangeResolver(Consumer<byte[], byte[]> consumer, Duration timeout) {
        this.consumer = consumer;
        this.timeout = timeout;
    }

    /** The topic's partitions, refusing a topic the broker does not have. */
    public List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new BadArgumentsException("topic " + topic + " does not exist on the broker "
                    + "(is WHATSAPP_TOPIC_PREFIX the services' one?)");
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    public CopyPlan resolve(String topic, RangeSpec spec) {
        List<TopicPartition> partitions = partitions(topic);
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, timeout);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        List<String> notes = new ArrayList<>();
        List<PartitionRange> ranges = new ArrayList<>();
        Instant from = null;
        Instant to = null;
        if (spec instanceof RangeSpec.TimeRange t) {
            from = t.from();
            to = t.to();
            Map<TopicPartition, OffsetAndTimestamp> starts = offsetsForTimes(partitions, t.from());
            Map<TopicPartition, OffsetAndTimestamp> ends = t.to() == null ? Map.of() : offsetsForTimes(partitions, t.to());
            for (TopicPartition tp : partitions) {
                long e = end.get(tp);
                long s = offsetOr(starts.get(tp), e);
                long stop = t.to() == null ? e : Math.min(e, offsetOr(ends.get(tp), e));
                ranges.add(new PartitionRange(tp.partition(), Math.max(s, beginning.get(tp)), Math.max(stop, s)));
            }
        } else if (spec instanceof RangeSpec.Offsets o) {
            Map<Integer, TopicPartition> byNumber = new HashMap<>();
            partitions.forEach(tp -> byNumber.put(tp.partition(), tp));
            for (var entry : o.partitions().entrySet()) {
                TopicPartition tp = byNumber.get(entry.getKey());
                if (tp == null) {
                    throw new BadArgumentsException("--offsets names partition " + entry.getKey() + ", but " + topic
                            + " has partitions 0 to " + (partitions.size() - 1));
                }
                long first = beginning.get(tp);
                long e = end.get(tp);
                RangeSpec.OffsetRange r = entry.getValue();
                if (r.from() > e || r.to() != null && r.to() > e) {
                    throw new BadArgumentsException("--offsets " + tp.partition() + ":" + r.from() + "-"
                            + (r.to() == null ? "" : r.to()) + " reaches past the end of partition " + tp.partition()
                            + " (its next offset is " + e + "): those records do not exist yet");
                }
                long s = r.from();
                if (s < first) {
                    notes.add("partition " + tp.partition() + ": offsets before " + first
                            + " are gone (retention); starting there");
                    s = first;
                }
                long stop = r.to() == null ? e : r.to();
                ranges.add(new PartitionRange(tp.partition(), s, Math.max(s, stop)));
            }
        } else {
            for (TopicPartition tp : partitions) {
                ranges.add(new PartitionRange(tp.partition(), beginning.get(tp), end.get(tp)));
            }
        }
        return new CopyPlan(topic, ranges, from, to, notes);
    }

    private Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(List<TopicPartition> partitions, Instant at) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, at.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
        return found == null ? Map.of() : found;
    }

    private static long offsetOr(OffsetAndTimestamp found, long otherwise) {
        return found == null ? otherwise : found.offset();
    }
}
