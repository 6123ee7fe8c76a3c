package com.booqing.whatsapp.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;

/**
 * One open-loop stream of requests at a fixed rate over keep-alive {@link HttpConnection}s, one thread per
 * connection, slot {@code i} due at {@code start + i / rate} and handled by connection {@code i % connections}.
 * Latency runs from the slot's scheduled time, so a stall is charged to every request that should have gone out
 * during it (no coordinated omission). Unlike {@link LoadGenerator} the requests are built per slot (a soak
 * would not fit pre-built), latencies go to constant-memory {@link Histogram}s, and a slot more than
 * {@link #MAX_BEHIND_NANOS} late is skipped and counted, not the rest of the connection's share.
 *
 * <p>Each slot's outcome is kept in one byte ({@link #outcome}) so that the end of the run can check, slot by
 * slot, that every accepted request left its trace.
 */
final class OpenLoopStream {
    static final byte NOT_SENT = 0;
    static final byte OK = 2;
    static final byte CLIENT_ERROR = 4;
    static final byte SERVER_ERROR = 5;
    static final byte IO_ERROR = 9;
    static final byte BEHIND = 8;
    static final int SOCKET_TIMEOUT_MS = 10_000;
    private static final long MAX_BEHIND_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String name;
    private final int port;
    private final LongFunction<byte[]> requests;
    private final int connections;
    private final double intervalNanos;
    private final long slots;
    private final long warmupSlots;
    private final byte[] outcomes;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Answers so far, for progress lines while the stream runs. */
    final LongAdder answered2xx = new LongAdder();
    final LongAdder failed = new LongAdder();

    /**
     * @param warmup seconds at the start whose latencies go to a separate histogram (the load is the same)
     */
    OpenLoopStream(String name, int port, LongFunction<byte[]> requests, int connections, double ratePerSecond,
                   long seconds, long warmup) {
        this.name = name;
        this.port = port;
        this.requests = requests;
        this.connections = connections;
        this.intervalNanos = 1e9 / ratePerSecond;
        long total = (long) Math.ceil(ratePerSecond * seconds);
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(name + ": too many requests for one run: " + total);
        }
        this.slots = total;
        this.warmupSlots = (long) Math.ceil(ratePerSecond * warmup);
        this.outcomes = new byte[(int) total];
    }

    String name() {
        return name;
    }

    long slots() {
        return slots;
    }

    /** Read only after {@link #join}. */
    byte outcome(long slot) {
        return outcomes[(int) slot];
    }

    /** Starts the connection threads; slot 0 is due at {@code startNanos}. */
    void start(long startNanos, String threadPrefix) {
        for (int i = 0; i < connections; i++) {
            Worker w = new Worker(i, startNanos);
            workers.add(w);
            Thread t = new Thread(w::run, threadPrefix + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Waits for every thread (bounded: the schedule's end plus the socket timeout). @return false if some hung */
    boolean join(long deadlineNanos) {
        boolean all = true;
        for (Thread t : threads) {
            long left = deadlineNanos - System.nanoTime();
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            all &= !t.isAlive();
        }
        return all;
    }

    /** The schedule's last slot is due at this time. */
    long endNanos(long startNanos) {
        return startNanos + (long) (slots * intervalNanos);
    }

    /** What the stream saw; call after {@link #join}. */
    Summary summary() {
        Histogram measured = new Histogram();
        Histogram warm = new Histogram();
        long[] byStatus = new long[600];
        long io = 0, behind = 0, cpu = 0;
        for (Worker w : workers) {
            measured.add(w.measured);
            warm.add(w.warm);
            for (int s = 0; s < byStatus.length; s++) {
                byStatus[s] += w.byStatus[s];
            }
            io += w.ioErrors;
            behind += w.behind;
            cpu += w.cpuNanos;
        }
        long ok = 0, non2xx = 0;
        StringBuilder codes = new StringBuilder();
        for (int s = 0; s < byStatus.length; s++) {
            if (byStatus[s] == 0) {
                continue;
            }
            if (s / 100 == 2) {
                ok += byStatus[s];
            } else {
                non2xx += byStatus[s];
            }
            codes.append(codes.length() == 0 ? "" : ", ").append(s).append(": ").append(byStatus[s]);
        }
        return new Summary(name, slots, ok, non2xx, io, behind, codes.toString(), measured, warm, cpu);
    }

    /**
     * @param codes    every status code with its count, e.g. "200: 59,990, 503: 10"
     * @param measured latencies after the warm-up; {@code warm} those during it
     * @param cpuNanos CPU time of the connection threads (the load generator's share of this JVM)
     */
    record Summary(String name, long slots, long ok, long non2xx, long ioErrors, long behind, String codes,
                   Histogram measured, Histogram warm, long cpuNanos) {
        long notAnswered2xx() {
            return slots - ok;
        }
    }

    private final class Worker {
        private final int index;
        private final long start;
        private final Histogram measured = new Histogram();
        private final Histogram warm = new Histogram();
        private final long[] byStatus = new long[600];
        private HttpConnection connection;
        long ioErrors;
        long behind;
        long cpuNanos;

        Worker(int index, long start) {
            this.index = index;
            this.start = start;
        }

        void run() {
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            try {
                for (long slot = index; slot < slots; slot += connections) {
                    long scheduled = start + (long) (slot * intervalNanos);
                    long now = System.nanoTime();
                    while (now < scheduled) {
                        LockSupport.parkNanos(scheduled - now);
                        now = System.nanoTime();
                    }
                    if (now - scheduled > MAX_BEHIND_NANOS) {
                        behind++;
                        outcomes[(int) slot] = BEHIND;
                        failed.increment();
                        continue;
                    }
                    int status = exchange(requests.apply(slot));
                    long latency = System.nanoTime() - scheduled;
                    if (status <= 0) {
                        outcomes[(int) slot] = IO_ERROR;
                        failed.increment();
                        continue;
                    }
                    (slot < warmupSlots ? warm : measured).recordNanos(latency);
                    byStatus[Math.min(599, status)]++;
                    if (status / 100 == 2) {
                        outcomes[(int) slot] = OK;
                        answered2xx.increment();
                    } else {
                        outcomes[(int) slot] = status / 100 == 4 ? CLIENT_ERROR : SERVER_ERROR;
                        failed.increment();
                    }
                }
            } finally {
                cpuNanos = THREADS.getCurrentThreadCpuTime() - cpu0;
                if (connection != null) {
                    connection.close();
                }
            }
        }

        /** @return the status, or -1 after an I/O error (counted; the connection is reopened next time) */
        private int exchange(byte[] request) {
            try {
                if (connection == null || connection.isClosed()) {
                    if (connection != null) {
                        connection.close();
                    }
                    connection = new HttpConnection("127.0.0.1", port, SOCKET_TIMEOUT_MS);
                }
                return connection.exchange(request);
            } catch (IOException e) {
                ioErrors++;
                if (connection != null) {
                    connection.close();
                    connection = null;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                return -1;
            }
        }
    }
}
