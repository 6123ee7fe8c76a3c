package com.booqing.whatsapp.ops.copy;

/** Offsets [start, end) of one partition that a copy reads. */
public record PartitionRange(int partition, long start, long end) {

    public long size() {
        return Math.max(0, end - start);
    }
}
