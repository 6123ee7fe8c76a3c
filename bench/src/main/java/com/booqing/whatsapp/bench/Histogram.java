package com.booqing.whatsapp.bench;

import java.util.concurrent.TimeUnit;

/**
 * Latencies in a fixed number of buckets (64 per power of two of microseconds: each within 1.6% of the value),
 * so that memory does not grow with the run: a soak of an hour records as much as a minute, and the heap figures
 * of {@link LoadRun}'s soak are not the benchmark's own samples piling up. One instance per thread while
 * recording; {@link #add} joins them afterwards.
 */
final class Histogram {
    private static final int EXACT = 128;
    private static final int PER_OCTAVE = 64;
    /** Microseconds up to 2^36 (19 hours): far beyond any socket timeout. */
    private static final int BUCKETS = EXACT + 30 * PER_OCTAVE;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long maxMicros;

    void recordNanos(long nanos) {
        long micros = Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos));
        counts[index(micros)]++;
        total++;
        maxMicros = Math.max(maxMicros, micros);
    }

    void add(Histogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        maxMicros = Math.max(maxMicros, other.maxMicros);
    }

    long count() {
        return total;
    }

    /** @param q in [0, 1]; nearest rank, the bucket's middle, in milliseconds; NaN without samples */
    double percentileMillis(double q) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(middle(i), maxMicros) / 1000.0;
            }
        }
        return maxMicros / 1000.0;
    }

    double maxMillis() {
        return total == 0 ? Double.NaN : maxMicros / 1000.0;
    }

    static int index(long micros) {
        if (micros < EXACT) {
            return (int) micros;
        }
        int msb = 63 - Long.numberOfLeadingZeros(micros);
        int shift = msb - 6;
        int top = (int) (micros >>> shift); // 64..127
        int i = EXACT + (shift - 1) * PER_OCTAVE + (top - PER_OCTAVE);
        return Math.min(i, BUCKETS - 1);
    }

    private static double middle(int index) {
        if (index < EXACT) {
            return index;
        }
        int shift = (index - EXACT) / PER_OCTAVE + 1;
        long top = (index - EXACT) % PER_OCTAVE + PER_OCTAVE;
        return (top << shift) + (1L << shift) / 2.0;
    }
}
