package com.booqing.whatsapp.bench;

import java.util.Arrays;

/**
 * Latency samples in nanoseconds, kept whole (a phase has at most a few hundred thousand) and sorted once for
 * percentiles. One instance per thread while recording; {@link #merge} joins them afterwards. Beyond
 * {@code cap} samples the rest are counted but not kept, so memory stays bounded whatever the flags say.
 */
final class Latencies {
    private final int cap;
    private long[] samples;
    private int size;
    private long dropped;
    private boolean sorted;

    Latencies(int initial, int cap) {
        this.cap = cap;
        this.samples = new long[Math.max(16, Math.min(initial, cap))];
    }

    void record(long nanos) {
        if (size == samples.length) {
            if (size >= cap) {
                dropped++;
                return;
            }
            samples = Arrays.copyOf(samples, (int) Math.min((long) cap, 2L * size));
        }
        samples[size++] = nanos;
        sorted = false;
    }

    static Latencies merge(Iterable<Latencies> parts) {
        int total = 0;
        long dropped = 0;
        for (Latencies p : parts) {
            total += p.size;
            dropped += p.dropped;
        }
        Latencies all = new Latencies(total, Integer.MAX_VALUE - 16);
        for (Latencies p : parts) {
            System.arraycopy(p.samples, 0, all.samples, all.size, p.size);
            all.size += p.size;
        }
        all.dropped = dropped;
        return all;
    }

    int count() {
        return size;
    }

    /** @param q in [0, 1]; the nearest-rank percentile in milliseconds, NaN when there are no samples */
    double percentileMillis(double q) {
        if (size == 0) {
            return Double.NaN;
        }
        if (!sorted) {
            Arrays.sort(samples, 0, size);
            sorted = true;
        }
        int rank = (int) Math.ceil(q * size);
        return samples[Math.min(size - 1, Math.max(0, rank - 1))] / 1_000_000.0;
    }

    double maxMillis() {
        return percentileMillis(1.0);
    }
}
