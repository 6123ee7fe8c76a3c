package com.booqing.whatsapp.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Closed- and open-loop HTTP load over {@link HttpConnection}s, one thread per connection.
 *
 * <p>Closed loop: each connection sends its next request as soon as the previous answer is in; the number of
 * answers inside the window is the maximum rate for that many concurrent clients. Open loop: sends are
 * scheduled at a fixed rate and a request's latency is measured from its scheduled time, so a stall shows up
 * in every request that should have been sent during it (no coordinated omission).
 */
final class LoadGenerator {
    static final int SOCKET_TIMEOUT_MS = 10_000;
    /** An open-loop phase gives up on sends this far behind schedule (counted as unsent). */
    private static final long MAX_BEHIND_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int MAX_SAMPLES_PER_THREAD = 4_000_000;

    /** Called by an open-loop sender after each answered request. */
    interface Listener {
        void answered(int slot, long sentAtNanos, int status);
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final CpuSampler cpu;

    LoadGenerator(CpuSampler cpu) {
        this.cpu = cpu;
    }

    PhaseResult closedLoop(String label, Target target, int connections, Duration window) {
        return run(label, target, connections, window, (w, deadline) -> w.closed(deadline));
    }

    /**
     * @param listener may be null; else told about every answered slot (slot = index into the target's
     *                 requests when {@code rate * window <= requests})
     */
    PhaseResult openLoop(String label, Target target, int connections, double ratePerSecond, Duration window,
                         Listener listener) {
        double interval = 1e9 / ratePerSecond;
        long slots = (long) Math.ceil(ratePerSecond * window.toNanos() / 1e9);
        return run(label, target, connections, window, (w, deadline) -> w.open(interval, slots, listener));
    }

    private interface Loop {
        void run(Worker worker, long deadline) throws InterruptedException;
    }

    private PhaseResult run(String label, Target target, int connections, Duration window, Loop loop) {
        List<Worker> workers = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        long[] times = new long[2];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Worker w = new Worker(target, i, connections);
            workers.add(w);
            Thread t = new Thread(() -> {
                w.connectQuietly();
                ready.countDown();
                try {
                    go.await();
                    long cpu0 = THREADS.getCurrentThreadCpuTime();
                    w.start = times[0];
                    loop.run(w, times[1]);
                    w.cpuNanos = THREADS.getCurrentThreadCpuTime() - cpu0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    w.closeQuietly();
                }
            }, "loadgen-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        await(ready, Duration.ofSeconds(30));
        CpuSampler.Snapshot before = cpu.snapshot();
        times[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
        times[1] = times[0] + window.toNanos();
        go.countDown();
        sleepUntil(times[1]);
        CpuSampler.Snapshot after = cpu.snapshot();
        long joinDeadline = times[1] + MAX_BEHIND_NANOS + TimeUnit.MILLISECONDS.toNanos(2 * SOCKET_TIMEOUT_MS);
        for (Thread t : threads) {
            long left = joinDeadline - System.nanoTime();
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long ok = 0, non2xx = 0, io = 0, unsent = 0, generatorNanos = 0;
        List<Latencies> lats = new ArrayList<>();
        for (Worker w : workers) {
            ok += w.ok;
            non2xx += w.non2xx;
            io += w.ioErrors;
            unsent += w.unsent;
            generatorNanos += w.cpuNanos;
            lats.add(w.latencies);
        }
        // The load generator's threads end with the window, before /proc could be read: their own count instead.
        CpuSplit split = CpuSplit.between(before, after, times[1] - times[0])
                .withRole(CpuSampler.Role.GENERATOR, generatorNanos / (double) (times[1] - times[0]));
        return new PhaseResult(label, window.toNanos(), ok, non2xx, io, unsent, Latencies.merge(lats), split);
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static void await(CountDownLatch latch, Duration timeout) {
        try {
            if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("load generator threads did not get ready in " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** One connection and its thread's counters (read by the coordinator only after join). */
    private static final class Worker {
        private final Target target;
        private final int index;
        private final int stride;
        private final Latencies latencies = new Latencies(64 * 1024, MAX_SAMPLES_PER_THREAD);
        private HttpConnection connection;
        long start;
        long ok;
        long non2xx;
        long ioErrors;
        long unsent;
        long cpuNanos;

        Worker(Target target, int index, int stride) {
            this.target = target;
            this.index = index;
            this.stride = stride;
        }

        void closed(long deadline) {
            byte[][] requests = target.requests();
            long k = index;
            while (true) {
                long s = System.nanoTime();
                if (s >= deadline) {
                    return;
                }
                int status = exchange(requests[(int) (k % requests.length)]);
                k += stride;
                long e = System.nanoTime();
                if (e > deadline) {
                    return; // answered after the window: not part of it
                }
                count(status, e - s);
            }
        }

        void open(double intervalNanos, long slots, Listener listener) {
            byte[][] requests = target.requests();
            for (long slot = index; slot < slots; slot += stride) {
                long scheduled = start + (long) (slot * intervalNanos);
                long now = System.nanoTime();
                while (now < scheduled) {
                    LockSupport.parkNanos(scheduled - now);
                    now = System.nanoTime();
                }
                if (now - scheduled > MAX_BEHIND_NANOS) {
                    unsent += (slots - slot + stride - 1) / stride;
                    return;
                }
                int status = exchange(requests[(int) (slot % requests.length)]);
                count(status, System.nanoTime() - scheduled);
                if (listener != null && status > 0) {
                    listener.answered((int) slot, now, status);
                }
            }
        }

        private void count(int status, long nanos) {
            if (status <= 0) {
                return; // an I/O error, already counted
            }
            latencies.record(nanos);
            if (status / 100 == 2) {
                ok++;
            } else {
                non2xx++;
            }
        }

        /** @return the status, or -1 after an I/O error (counted; the connection is reopened next time) */
        private int exchange(byte[] request) {
            try {
                if (connection == null || connection.isClosed()) {
                    closeQuietly();
                    connection = new HttpConnection(target.host(), target.port(), SOCKET_TIMEOUT_MS);
                }
                return connection.exchange(request);
            } catch (IOException e) {
                ioErrors++;
                closeQuietly();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                return -1;
            }
        }

        void connectQuietly() {
            try {
                connection = new HttpConnection(target.host(), target.port(), SOCKET_TIMEOUT_MS);
            } catch (IOException e) {
                connection = null; // retried on first use
            }
        }

        void closeQuietly() {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }
    }
}
