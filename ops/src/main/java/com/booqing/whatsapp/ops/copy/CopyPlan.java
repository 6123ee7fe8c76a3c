package com.booqing.whatsapp.ops.copy;

import java.time.Instant;
import java.util.List;

/**
 * A range resolved against the broker: which offsets of which partitions are read, and the time window a record's
 * timestamp must fall in (null bounds: none). {@code notes} tell the operator what was adjusted (records already
 * gone to retention).
 */
public record CopyPlan(String topic, List<PartitionRange> ranges, Instant from, Instant to, List<String> notes) {

    public CopyPlan {
        ranges = List.copyOf(ranges);
        notes = List.copyOf(notes);
    }

    /** Records in the ranges: an upper bound of what is copied (filters drop some). */
    public long total() {
        return ranges.stream().mapToLong(PartitionRange::size).sum();
    }

    public boolean inWindow(long timestampMs) {
        return (from == null || timestampMs >= from.toEpochMilli()) && (to == null || timestampMs < to.toEpochMilli());
    }

    /** "0:[12,40) 3:[0,7)" — the non-empty ranges, for dry runs and summaries. */
    public String describeRanges() {
        StringBuilder b = new StringBuilder();
        for (PartitionRange r : ranges) {
            if (r.size() == 0) {
                continue;
            }
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(r.partition()).append(":[").append(r.start()).append(',').append(r.end()).append(')');
        }
        return b.isEmpty() ? "(no records)" : b.toString();
    }
}
