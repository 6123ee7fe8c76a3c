package com.booqing.whatsapp.sender.dispatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs jobs in lanes, one lane per endpoint (the bulkhead): each lane has its own few worker threads and a bounded
 * number of queued jobs, so a hung endpoint ties up only its own lane. Within the dispatcher, jobs with the same key
 * form a chain that runs one job at a time in the order offered, whichever lane a later job names: a job waiting
 * for a retry therefore holds back the next message to the same recipient, and nothing else.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final int workersPerLane;
    private final int laneCapacity;
    private final Consumer<Job> work;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Map<String, Chain> chains = new HashMap<>();
    private final AtomicInteger threads = new AtomicInteger();
    private boolean closed;

    public Dispatcher(int workersPerLane, int laneCapacity, Consumer<Job> work) {
        this.workersPerLane = workersPerLane;
        this.laneCapacity = laneCapacity;
        this.work = work;
    }

    /** @return false when the job's lane (or its key's lane) is full; the caller keeps it and offers it later */
    public synchronized boolean offer(Job job) {
        if (closed) {
            return false;
        }
        Chain chain = chains.get(job.key());
        Lane lane = chain != null ? chain.lane : lanes.computeIfAbsent(job.lane(), this::newLane);
        if (lane.pending >= laneCapacity) {
            return false;
        }
        lane.pending++;
        if (chain != null) {
            chain.jobs.add(job);
            return true;
        }
        chain = new Chain(job.key(), lane);
        chain.jobs.add(job);
        chains.put(job.key(), chain);
        schedule(chain);
        return true;
    }

    /** Cancels the matching jobs: queued ones will not start, running ones stop at their next step. */
    public synchronized void cancel(Predicate<Job> which) {
        for (Chain chain : chains.values()) {
            for (Job job : chain.jobs) {
                if (which.test(job)) {
                    job.cancellation().cancel();
                }
            }
        }
    }

    /** Waits until no matching job is queued or running. @return false on timeout */
    public synchronized boolean awaitIdle(Predicate<Job> which, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (chains.values().stream().anyMatch(c -> c.jobs.stream().anyMatch(which))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    public synchronized int pending() {
        return chains.values().stream().mapToInt(c -> c.jobs.size()).sum();
    }

    private void schedule(Chain chain) {
        try {
            chain.lane.pool.execute(() -> runHead(chain));
        } catch (RejectedExecutionException e) {
            // Closed underneath us: the jobs stay unfinished and are read again by the partition's next owner.
            chains.remove(chain.key);
            chain.lane.pending -= chain.jobs.size();
            chain.jobs.clear();
            notifyAll();
        }
    }

    private void runHead(Chain chain) {
        Job job;
        synchronized (this) {
            job = chain.jobs.peek();
        }
        try {
            if (job != null && !job.cancellation().isCancelled()) {
                work.accept(job);
            }
        } catch (RuntimeException e) {
            log.error("job at {}@{} failed unexpectedly: {}", job.partition().partition(), job.offset(), e.toString(),
                    e);
        } finally {
            synchronized (this) {
                chain.jobs.poll();
                chain.lane.pending--;
                if (chain.jobs.isEmpty()) {
                    chains.remove(chain.key);
                } else if (!closed) {
                    // Back of the lane's queue: other recipients in the lane get their turn between two of ours.
                    schedule(chain);
                } else {
                    chains.remove(chain.key);
                    chain.lane.pending -= chain.jobs.size();
                    chain.jobs.clear();
                }
                notifyAll();
            }
        }
    }

    private Lane newLane(String id) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(workersPerLane, workersPerLane, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "sender-lane-" + threads.incrementAndGet() + "-" + id);
            t.setDaemon(true);
            return t;
        });
        // An idle lane (an endpoint with no traffic) keeps no threads.
        pool.allowCoreThreadTimeOut(true);
        return new Lane(id, pool);
    }

    /** Stops the lanes; call after cancelling and draining the jobs that matter. */
    @Override
    public void close() {
        java.util.List<Lane> all;
        synchronized (this) {
            closed = true;
            all = java.util.List.copyOf(lanes.values());
        }
        for (Lane lane : all) {
            lane.pool.shutdownNow();
        }
    }

    private static final class Lane {
        final String id;
        final ThreadPoolExecutor pool;
        int pending;

        Lane(String id, ThreadPoolExecutor pool) {
            this.id = id;
            this.pool = pool;
        }
    }

    private static final class Chain {
        final String key;
        final Lane lane;
        final ArrayDeque<Job> jobs = new ArrayDeque<>();

        Chain(String key, Lane lane) {
            this.key = key;
            this.lane = lane;
        }
    }
}
