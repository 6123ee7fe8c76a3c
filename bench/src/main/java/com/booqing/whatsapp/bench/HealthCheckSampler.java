package com.booqing.whatsapp.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the health benchmark's child JVM measures between BEGIN and END: checks completed (by outcome), their
 * latency from the call to the answer, and for the monitor how punctual the schedule is (the gap between two
 * checks of one endpoint minus the interval); plus this process's CPU time and GC time over the window.
 * Thread-safe: checks complete on the HTTP client's threads.
 */
final class HealthCheckSampler {
    /** The kinds of outcome counted. */
    enum Outcome { UP, DOWN, OTHER }

    /**
     * One window's figures.
     *
     * @param lateP50Ms lateness = (gap between two checks of one endpoint) - interval; NaN for the ceiling
     * @param lateOver1s checks that came more than a second after their due time
     * @param distinct   endpoints checked at least once in the window (monitor only)
     */
    record Stats(long checks, long up, long down, long other, double p50Ms, double p99Ms, double p999Ms,
                 double maxMs, double lateP50Ms, double lateP99Ms, double lateMaxMs, long lateOver1s,
                 long distinct, long cpuNanos, long wallNanos, long gcMillis, long jitMillis, long heapUsedMb) {

        double perSecond() {
            return checks / (wallNanos / 1e9);
        }

        double cores() {
            return cpuNanos / (double) wallNanos;
        }

        /** CPU microseconds per check. */
        double cpuMicrosPerCheck() {
            return checks == 0 ? Double.NaN : cpuNanos / 1e3 / checks;
        }
    }

    private static final int MAX_SAMPLES = 4_000_000;

    private final long intervalNanos;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Map<String, Long> lastStart = new ConcurrentHashMap<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final LongAdder up = new LongAdder();
    private final LongAdder down = new LongAdder();
    private final LongAdder other = new LongAdder();
    private final LongAdder late = new LongAdder();
    private volatile boolean measuring;
    private volatile long beganAt;
    private long cpuAtBegin;
    private long gcAtBegin;
    private long jitAtBegin;
    private Latencies latencies = new Latencies(64 * 1024, MAX_SAMPLES);
    private Latencies lateness = new Latencies(64 * 1024, MAX_SAMPLES);

    /** @param intervalNanos the monitor's check interval; 0 for the ceiling client (no schedule to follow) */
    HealthCheckSampler(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** A check of {@code endpointId} starts now (null: a ceiling request). @return its start, for {@link #finished} */
    long started(String endpointId) {
        long now = System.nanoTime();
        if (endpointId != null) {
            Long before = lastStart.put(endpointId, now);
            if (measuring) {
                seen.add(endpointId);
                if (before != null && intervalNanos > 0) {
                    long lateBy = now - before - intervalNanos;
                    if (lateBy > 1_000_000_000L) {
                        late.increment();
                    }
                    synchronized (this) {
                        lateness.record(lateBy);
                    }
                }
            }
        }
        return now;
    }

    void finished(long startedAt, Outcome outcome) {
        long now = System.nanoTime();
        if (!measuring || startedAt < beganAt) {
            return;
        }
        switch (outcome) {
            case UP -> up.increment();
            case DOWN -> down.increment();
            default -> other.increment();
        }
        synchronized (this) {
            latencies.record(now - startedAt);
        }
    }

    synchronized void begin() {
        latencies = new Latencies(64 * 1024, MAX_SAMPLES);
        lateness = new Latencies(64 * 1024, MAX_SAMPLES);
        up.reset();
        down.reset();
        other.reset();
        late.reset();
        seen.clear();
        cpuAtBegin = os.getProcessCpuTime();
        gcAtBegin = gcMillis();
        jitAtBegin = jitMillis();
        beganAt = System.nanoTime();
        measuring = true;
    }

    synchronized Stats end() {
        measuring = false;
        long wall = System.nanoTime() - beganAt;
        long cpu = os.getProcessCpuTime() - cpuAtBegin;
        long gc = gcMillis() - gcAtBegin;
        long jit = jitMillis() - jitAtBegin;
        long u = up.sum();
        long d = down.sum();
        long o = other.sum();
        long lateOver1s = late.sum();
        Runtime rt = Runtime.getRuntime();
        boolean monitor = intervalNanos > 0;
        return new Stats(u + d + o, u, d, o, latencies.percentileMillis(0.5), latencies.percentileMillis(0.99),
                latencies.percentileMillis(0.999), latencies.maxMillis(),
                monitor ? lateness.percentileMillis(0.5) : Double.NaN,
                monitor ? lateness.percentileMillis(0.99) : Double.NaN,
                monitor ? lateness.maxMillis() : Double.NaN, lateOver1s, seen.size(), cpu, wall, gc, jit,
                (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
    }

    /** Time the JIT compilers spent so far: a short-lived JVM's CPU is partly compilation. */
    private static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
