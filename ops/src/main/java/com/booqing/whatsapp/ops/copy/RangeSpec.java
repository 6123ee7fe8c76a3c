package com.booqing.whatsapp.ops.copy;

import java.time.Instant;
import java.util.Map;

/** Which records of a topic an operator asked for, before it is resolved against the broker's offsets. */
public sealed interface RangeSpec {

    /** Records whose timestamp is in [from, to); {@code to} null means up to the moment the command started. */
    record TimeRange(Instant from, Instant to) implements RangeSpec {
    }

    /** Explicit offsets per partition; a null {@code to} means up to the partition's end when the command started. */
    record Offsets(Map<Integer, OffsetRange> partitions) implements RangeSpec {
    }

    /** [from, to) of one partition. */
    record OffsetRange(long from, Long to) {
    }

    /** Every record the topic still retains. */
    record Everything() implements RangeSpec {
    }
}
