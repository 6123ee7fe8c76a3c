package com.booqing.whatsapp.ops.copy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a copy did: records read, copied (or, in a dry run, that would be), skipped by reason, and the last offset
 * written to each destination partition (what a wait for the consumer has to see committed).
 */
public final class CopyStats {
    private long scanned;
    private long copied;
    private final Map<String, Long> skipped = new LinkedHashMap<>();
    private final Map<Integer, Long> lastWritten = new TreeMap<>();
    private final Map<String, Long> copiedByTenant = new TreeMap<>();
    private Duration elapsed = Duration.ZERO;

    void scanned() {
        scanned++;
    }

    void copied(String tenant) {
        copied++;
        if (tenant != null) {
            copiedByTenant.merge(tenant, 1L, Long::sum);
        }
    }

    void skipped(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    synchronized void written(int partition, long offset) {
        lastWritten.merge(partition, offset, Math::max);
    }

    void elapsed(Duration d) {
        elapsed = d;
    }

    public long scannedCount() {
        return scanned;
    }

    public long copiedCount() {
        return copied;
    }

    public Map<String, Long> skippedByReason() {
        return Map.copyOf(skipped);
    }

    public long skippedCount() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<String, Long> copiedByTenant() {
        return Map.copyOf(copiedByTenant);
    }

    public synchronized Map<Integer, Long> lastWrittenOffsets() {
        return Map.copyOf(lastWritten);
    }

    public Duration elapsed() {
        return elapsed;
    }

    /** "skipped 7 (another tenant 5, an earlier replay's copy 2)" or "skipped 0". */
    public String describeSkipped() {
        if (skipped.isEmpty()) {
            return "skipped 0";
        }
        StringBuilder b = new StringBuilder("skipped ").append(skippedCount()).append(" (");
        boolean first = true;
        for (var e : skipped.entrySet()) {
            b.append(first ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
            first = false;
        }
        return b.append(')').toString();
    }
}
