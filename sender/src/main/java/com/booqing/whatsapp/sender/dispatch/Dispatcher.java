package com.booqing.whatsapp.sender.dispatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs jobs in lanes, one lane per endpoint (the bulkhead): a lane runs at most {@code workersPerLane} jobs at a
 * time and takes at most {@code laneCapacity} jobs, so a hung endpoint ties up only its own lane. Within the
 * dispatcher, jobs with the same key form a chain that runs one job at a time in the order offered, whichever lane
 * a later job names: a job waiting for a retry therefore holds back the next message to the same recipient, and
 * nothing else.
 *
 * <p>The threads come from one pool shared by the lanes that grows with the work and shrinks when it is idle, so
 * threads exist for work that runs, not for every lane that might: a lane's limit is a count, not a pool of its
 * own. A hung endpoint holds at most its lane's limit of threads; other lanes get threads of their own.
 *
 * <p>A job ends when the stage its {@link Work} returns completes, not when the worker returns: the worker goes
 * back (and its lane's slot is free) while the job waits for something that needs no thread (its result's
 * acknowledgement), and the next job of the same key still starts only after it. Until then the job counts against
 * its lane's capacity and {@link #awaitIdle} waits for it.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /** A worker thread with nothing to do for this long ends. */
    private static final long IDLE_THREAD_SECONDS = 30;

    /** The work of one job: runs on a worker; the job ends when the returned stage completes, in any way. */
    @FunctionalInterface
    public interface Work {
        CompletionStage<?> start(Job job);

        /** Work that is over when the worker returns. */
        static Work blocking(Consumer<Job> work) {
            return job -> {
                work.accept(job);
                return DONE;
            };
        }
    }

    private final int workersPerLane;
    private final int laneCapacity;
    private final Work work;
    private final ThreadPoolExecutor pool;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Map<String, Chain> chains = new HashMap<>();
    private final AtomicInteger threads = new AtomicInteger();
    private boolean closed;
    private long finished;

    public Dispatcher(int workersPerLane, int laneCapacity, Work work) {
        this.workersPerLane = workersPerLane;
        this.laneCapacity = laneCapacity;
        this.work = work;
        // No queue: a task either gets an idle thread or a new one. The lanes' limits bound how many run at once.
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "sender-worker-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** @return false when the job's lane (or its key's lane) is full; the caller keeps it and offers it later */
    public synchronized boolean offer(Job job) {
        if (closed) {
            return false;
        }
        Chain chain = chains.get(job.key());
        Lane lane = chain != null ? chain.lane : lanes.computeIfAbsent(job.lane(), Lane::new);
        return offerTo(lane, chain, job);
    }

    /**
     * Offers {@code backlog} in order and removes what was taken. A job whose lane is full stays, and so does every
     * later job with its key (a key never overtakes itself); jobs of other keys and lanes are still taken. The
     * same as offering one job after the other, under one lock and without offering to a lane known to be full.
     */
    public synchronized void offerInOrder(List<Job> backlog) {
        if (closed || backlog.isEmpty() || nothingFits(backlog)) {
            return;
        }
        List<Job> left = new ArrayList<>();
        Set<String> blocked = new HashSet<>();
        Set<Lane> full = new HashSet<>();
        for (Job job : backlog) {
            if (blocked.contains(job.key())) {
                left.add(job);
                continue;
            }
            Chain chain = chains.get(job.key());
            Lane lane = chain != null ? chain.lane : lanes.computeIfAbsent(job.lane(), Lane::new);
            if (full.contains(lane) || !offerTo(lane, chain, job)) {
                full.add(lane);
                blocked.add(job.key());
                left.add(job);
            }
        }
        if (left.size() != backlog.size()) {
            backlog.clear();
            backlog.addAll(left);
        }
    }

    /**
     * Whether no job of the backlog can be taken: every lane is full and every job names one of them (a job goes to
     * its key's chain's lane or to the lane it names, both full then). The common case when the sender is saturated,
     * answered without the full pass.
     */
    private boolean nothingFits(List<Job> backlog) {
        for (Lane lane : lanes.values()) {
            if (lane.pending < laneCapacity) {
                return false;
            }
        }
        for (Job job : backlog) {
            if (!lanes.containsKey(job.lane())) {
                return false;
            }
        }
        return true;
    }

    private boolean offerTo(Lane lane, Chain chain, Job job) {
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
    public void cancel(Predicate<Job> which) {
        List<Job> matching = new ArrayList<>();
        synchronized (this) {
            for (Chain chain : chains.values()) {
                for (Job job : chain.jobs) {
                    if (which.test(job)) {
                        matching.add(job);
                    }
                }
            }
        }
        // Outside the lock: cancelling may end a job at once (one waiting to publish again), which ends its chain.
        matching.forEach(job -> job.cancellation().cancel());
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

    /** How many jobs have ended so far; the consumer loop looks whether room may have been made in a lane. */
    public synchronized long finishedCount() {
        return finished;
    }

    /** The chain's head is ready: it runs now if its lane has a free slot, else when one frees up, in turn. */
    private void schedule(Chain chain) {
        Lane lane = chain.lane;
        if (lane.running >= workersPerLane) {
            lane.ready.add(chain);
            return;
        }
        lane.running++;
        try {
            pool.execute(() -> runHead(chain));
        } catch (RejectedExecutionException e) {
            // Closed underneath us: the jobs stay unfinished and are read again by the partition's next owner.
            lane.running--;
            drop(chain);
        }
    }

    /**
     * Runs the chain's head, then, while its lane has chains ready, the next one on the same thread: handing each job
     * to another idle thread would cost a wake-up per job.
     */
    private void runHead(Chain first) {
        Chain chain = first;
        while (chain != null) {
            runOne(chain);
            chain = nextReady(chain.lane);
        }
    }

    private void runOne(Chain chain) {
        Job job;
        synchronized (this) {
            job = chain.jobs.peek();
        }
        CompletionStage<?> running = DONE;
        try {
            if (job != null && !job.cancellation().isCancelled()) {
                running = work.start(job);
            }
        } catch (RuntimeException | Error e) {
            // The job still ends, so its chain and lane go on; it is not finished, so its offset is not committed.
            log.error("job at {}@{} failed unexpectedly: {}", job.partition().partition(), job.offset(), e.toString(),
                    e);
            running = DONE;
        }
        if (running == null) {
            running = DONE;
        }
        // Usually already complete; otherwise this runs on the thread that completes it (no worker waits for it).
        running.whenComplete((ignored, failure) -> {
            if (failure != null) {
                log.error("job at {}@{} failed unexpectedly: {}", job.partition().partition(), job.offset(),
                        failure.toString(), failure);
            }
            finish(chain);
        });
    }

    /**
     * The worker is done with its part: it takes the lane's next ready chain itself (its slot stays taken), or
     * gives its slot up. @return the chain to run next, null when none is ready
     */
    private synchronized Chain nextReady(Lane lane) {
        Chain next = lane.ready.poll();
        if (next == null) {
            lane.running--;
        }
        return next;
    }

    private synchronized void finish(Chain chain) {
        chain.jobs.poll();
        chain.lane.pending--;
        if (chain.jobs.isEmpty()) {
            chains.remove(chain.key);
        } else if (!closed) {
            // Back of the lane's turn: other recipients in the lane get their turn between two of ours.
            schedule(chain);
        } else {
            drop(chain);
        }
        finished++;
        notifyAll();
    }

    /** Forgets a chain's jobs without running them: they stay unfinished, the next owner reads them again. */
    private void drop(Chain chain) {
        chains.remove(chain.key);
        chain.lane.pending -= chain.jobs.size();
        chain.jobs.clear();
        notifyAll();
    }

    /** Stops the workers; call after cancelling and draining the jobs that matter. */
    @Override
    public void close() {
        List<Chain> waiting = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Lane lane : lanes.values()) {
                waiting.addAll(lane.ready);
                lane.ready.clear();
            }
            waiting.forEach(this::drop);
        }
        pool.shutdownNow();
    }

    private static final class Lane {
        final String id;
        /** Jobs taken and not ended: queued, running or waiting for their acknowledgement. */
        int pending;
        /** Jobs on a worker now: at most workersPerLane. */
        int running;
        /** Chains whose head waits for a free slot, in turn. */
        final ArrayDeque<Chain> ready = new ArrayDeque<>();

        Lane(String id) {
            this.id = id;
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
