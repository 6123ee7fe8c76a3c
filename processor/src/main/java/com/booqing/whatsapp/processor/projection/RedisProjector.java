package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.logging.LogContext;
import com.booqing.whatsapp.common.logging.Trace;
import com.booqing.whatsapp.common.redis.RedisKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Projects the events, send-command, send-result and compacted state topics into Redis for the read API.
 *
 * <p>Redis is outside Kafka's transactions, so every record is applied by {@link ProjectionScript}, which
 * stores the record's offset under {@code offsets:redis:{topic}:{partition}} in the same atomic step and skips
 * any offset at or below the stored one. A replay, a restart before the commit, or a consumer that lost its
 * partition in a rebalance therefore never applies a record twice. Offsets are committed to Kafka only for
 * records Redis has taken (read_committed, manual commit), asynchronously and at most every
 * {@link #COMMIT_EVERY} (synchronously when partitions are revoked and on close): Redis's fence, not the
 * commit, is what keeps a record from being applied twice, so a commit lost in a crash costs only skipped
 * repeats. A poll's records are sent as one pipeline of script calls, in order per partition; a call names the
 * offset of the one before it and writes nothing until that one is stored, so a failed record is never fenced
 * out by those queued behind it.
 *
 * <p>When Redis fails transiently, the record at the head of its partition is retried with a bounded backoff,
 * as many times as its tenant's {@code webhookRetries} say ({@link RetryBudget}). When they run out, nothing
 * is skipped and nothing is dead-lettered: the partition is rewound to that record, nothing past it is
 * committed, and the partition is paused (backing off up to {@link #MAX_BACKOFF}) and then read again from that
 * record, with a fresh set of retries; the other partitions go on meanwhile. So a Redis outage delays the read
 * model but loses nothing and never reorders a conversation. A record that cannot be projected at all
 * (unreadable, or refused by Redis as data) is logged and its offset recorded, so it cannot stall its
 * partition; it stays on its topic for a replay.
 */
public final class RedisProjector implements AutoCloseable {
    public static final String PROJECTION = "redis";
    /**
     * A stop leaves the group even as a static member (PROCESSOR_INSTANCE_ID): one that only closed would keep its
     * partitions, unread, until its session timed out (ProjectorMembershipIT).
     */
    private static final CloseOptions LEAVE_GROUP = CloseOptions
            .groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(5));
    private static final Logger log = LoggerFactory.getLogger(RedisProjector.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Retries when no budget is given (tests and tools): five attempts, as before tenants had a say. */
    static final int DEFAULT_RETRIES = 4;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** Longest time applied offsets wait for their (asynchronous) commit to Kafka. */
    static final Duration COMMIT_EVERY = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final ProjectionPlanner planner;
    private final ProjectionScript script;
    private final RedisKeys keys;
    private final MeterRegistry meters;
    private final RetryBudget budget;
    /** The consumer's own metrics, records-lag-max among them: how far the read model is behind. */
    private final KafkaClientMetrics clientMetrics;
    private final CountDownLatch stopped = new CountDownLatch(1);
    // Projector thread only (the rebalance listener runs inside poll, on that thread).
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();
    private final Map<TopicPartition, Duration> nextPause = new HashMap<>();
    /** The offset last handed to a commit, per partition: an idle poll commits only positions beyond it. */
    private final Map<TopicPartition, Long> handedToCommit = new HashMap<>();
    private long lastCommit = System.nanoTime();
    private volatile boolean running = true;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread thread;

    public RedisProjector(Consumer<byte[], byte[]> consumer, ProjectionPlanner planner, ProjectionScript script,
                          RedisKeys keys, MeterRegistry meters, RetryBudget budget) {
        this.consumer = consumer;
        this.planner = planner;
        this.script = script;
        this.keys = keys;
        this.meters = meters;
        this.budget = budget;
        this.clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(meters);
        // Registered at zero, so that the series exists before Redis first fails.
        meters.counter("whatsapp.projector.redis_failures");
        meters.counter("whatsapp.projector.retries_exhausted");
    }

    /**
     * Consumer settings: committed records only, manual commit, from the earliest offset of a new group; a fetch
     * returns as soon as there is a byte to read, and an empty one after at most 10 ms. (In a small test the
     * broker answered a parked read_committed fetch when a commit made records readable, 5 ms median with a
     * 500 ms wait as with 10 ms, and 500 ms would spare the 100 empty fetches a second an idle projector sends;
     * but the benchmark pairs did not show it harmless for the projector's share of webhook-to-Redis, so the
     * wait stays short until a quiet machine says otherwise: processor INBOUND.md.)
     */
    public static Map<String, Object> consumerConfig(String bootstrapServers, String groupId, String clientId) {
        Map<String, Object> c = KafkaClients.committedReader(bootstrapServers, groupId, clientId);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return c;
    }

    /** A projector whose records get {@link #DEFAULT_RETRIES} retries whatever their tenant. */
    public static RedisProjector create(String bootstrapServers, String groupId, ProjectionPlanner planner,
                                        ProjectionScript script, RedisKeys keys, MeterRegistry meters) {
        return create(bootstrapServers, groupId, planner, script, keys, meters, RetryBudget.fixed(DEFAULT_RETRIES));
    }

    public static RedisProjector create(String bootstrapServers, String groupId, ProjectionPlanner planner,
                                        ProjectionScript script, RedisKeys keys, MeterRegistry meters,
                                        RetryBudget budget) {
        return create(bootstrapServers, groupId, planner, script, keys, meters, budget, Map.of());
    }

    /** @param membership consumer settings for group membership (static member id, session timeout) */
    public static RedisProjector create(String bootstrapServers, String groupId, ProjectionPlanner planner,
                                        ProjectionScript script, RedisKeys keys, MeterRegistry meters,
                                        RetryBudget budget, Map<String, Object> membership) {
        String clientId = groupId + "-" + Long.toHexString(System.nanoTime());
        Map<String, Object> config = new HashMap<>(consumerConfig(bootstrapServers, groupId, clientId));
        config.putAll(membership);
        return new RedisProjector(new KafkaConsumer<>(config), planner, script, keys, meters, budget);
    }

    public RedisProjector start() {
        thread = new Thread(this::run, "redis-projector");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    public boolean isRunning() {
        return thread != null && thread.isAlive();
    }

    private void run() {
        try {
            subscribe();
            while (running) {
                resumeDue();
                pollOnce();
                commitIfDue(false);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("redis projector stopped", e);
        } finally {
            try {
                commitIfDue(true);
            } catch (RuntimeException e) {
                log.warn("committing the projector's last offsets: {}", e.toString());
            }
            try {
                consumer.close(LEAVE_GROUP);
            } catch (RuntimeException e) {
                log.warn("closing the projector's consumer: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    void subscribe() {
        consumer.subscribe(planner.topicNames(), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // Hand over what Redis took, so the next owner starts after it (the fence would skip it anyway).
                Map<TopicPartition, OffsetAndMetadata> handOver = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    OffsetAndMetadata o = uncommitted.remove(tp);
                    if (o != null) {
                        handOver.put(tp, o);
                    }
                }
                forget(partitions);
                if (!handOver.isEmpty()) {
                    try {
                        consumer.commitSync(handOver, Duration.ofSeconds(5));
                    } catch (RuntimeException e) {
                        log.warn("could not commit the offsets of revoked partitions: {}", e.toString());
                    }
                }
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // nothing to do: a new partition starts unpaused, from its committed offset
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                partitions.forEach(uncommitted::remove);
                forget(partitions);
            }
        });
    }

    private void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(handedToCommit::remove);
        partitions.forEach(pausedUntil::remove);
        partitions.forEach(nextPause::remove);
    }

    /**
     * Applies one poll's records in pipelined rounds (one round trip for all partitions) and notes what Redis
     * took for the next commit. A record whose call failed holds back the rest of its partition (the script
     * writes nothing for them), so every partition is applied in order up to its first failure.
     *
     * @return false when a partition ran out of retries and was rewound and paused
     */
    boolean pollOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (records.isEmpty()) {
            notePositionsPastMarkers();
            return true;
        }
        Map<TopicPartition, Deque<Pending>> pending = new LinkedHashMap<>();
        for (TopicPartition tp : records.partitions()) {
            Deque<Pending> queue = new ArrayDeque<>();
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                queue.add(new Pending(r, plan(r), keys.projectionOffset(PROJECTION, r.topic(), r.partition())));
            }
            pending.put(tp, queue);
        }
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        boolean allTaken = applyWithRetries(pending, done);
        uncommitted.putAll(done);
        done.forEach((tp, o) -> handedToCommit.put(tp, o.offset()));
        done.keySet().forEach(nextPause::remove);
        return allTaken;
    }

    /**
     * The events topic is written in transactions, so every transaction ends in a commit marker that a read_committed
     * consumer steps over without returning a record. Committing only "last record + 1" would leave the group one
     * marker behind on every partition for good once traffic stops: a lag that never reaches 0 for dashboards and
     * alerts. When a poll comes back empty, the consumer's position is past everything it read (records applied,
     * markers skipped; a partition whose record failed was rewound to it), so that position is committed instead.
     */
    private void notePositionsPastMarkers() {
        for (TopicPartition tp : consumer.assignment()) {
            if (pausedUntil.containsKey(tp)) {
                continue;
            }
            long position;
            try {
                position = consumer.position(tp, Duration.ZERO);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                continue; // not fetched yet: nothing read, nothing to commit
            }
            Long handed = handedToCommit.get(tp);
            if (handed == null) {
                try {
                    OffsetAndMetadata committed = consumer.committed(Set.of(tp), Duration.ofSeconds(1)).get(tp);
                    handed = committed == null ? 0L : committed.offset();
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    continue;
                }
                handedToCommit.put(tp, handed);
            }
            if (position > handed) {
                uncommitted.put(tp, new OffsetAndMetadata(position));
                handedToCommit.put(tp, position);
            }
        }
    }

    /** Commits asynchronously what Redis took, at most every {@link #COMMIT_EVERY} unless forced (then synchronously). */
    void commitIfDue(boolean force) {
        if (uncommitted.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastCommit < COMMIT_EVERY.toNanos()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(uncommitted);
        uncommitted.clear();
        lastCommit = now;
        if (force) {
            consumer.commitSync(offsets, Duration.ofSeconds(5));
            return;
        }
        consumer.commitAsync(offsets, (committed, e) -> {
            if (e != null) {
                // The records are in Redis and fenced there; a consumer that gets them again skips them, and the
                // next commit of these partitions covers these offsets too.
                log.warn("could not commit projector offsets: {}", e.toString());
            }
        });
    }

    void resumeDue() {
        if (pausedUntil.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<TopicPartition> due = new ArrayList<>();
        pausedUntil.forEach((tp, until) -> {
            if (now - until >= 0) {
                due.add(tp);
            }
        });
        if (!due.isEmpty()) {
            due.forEach(pausedUntil::remove);
            consumer.resume(due);
        }
    }

    private record Pending(ConsumerRecord<byte[], byte[]> record, ProjectionPlanner.Plan plan, String offsetKey) {
    }

    /** The outcome of one pipelined round: the transient failure that stopped each stopped partition. */
    private record Round(Map<TopicPartition, Exception> failures, boolean progress) {
    }

    /** Failed attempts of the record at the head of one partition. */
    private static final class Attempts {
        long offset = -1;
        int failed;
    }

    private ProjectionPlanner.Plan plan(ConsumerRecord<byte[], byte[]> r) {
        ProjectionPlanner.Plan plan = planner.plan(r);
        if (plan.skipped()) {
            try (LogContext c = LogContext.open().trace(Trace.of(r.headers()))) {
                log.warn("not projecting {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), plan.skipReason());
            }
            meters.counter("whatsapp.projector.records", "outcome", "skipped").increment();
        }
        return plan;
    }

    /** @return false when a partition ran out of retries (it is rewound and paused), or the projector is closing */
    private boolean applyWithRetries(Map<TopicPartition, Deque<Pending>> pending,
                                     Map<TopicPartition, OffsetAndMetadata> done) {
        Map<TopicPartition, Attempts> attempts = new HashMap<>();
        Duration backoff = FIRST_BACKOFF;
        boolean parked = false;
        while (running && hasPending(pending)) {
            Round round = applyRound(pending, done);
            if (round.failures().isEmpty()) {
                continue;
            }
            meters.counter("whatsapp.projector.redis_failures").increment();
            for (Map.Entry<TopicPartition, Exception> f : round.failures().entrySet()) {
                TopicPartition tp = f.getKey();
                Pending head = pending.get(tp).peekFirst();
                Attempts a = attempts.computeIfAbsent(tp, k -> new Attempts());
                if (a.offset != head.record().offset()) {
                    a.offset = head.record().offset();
                    a.failed = 0;
                }
                a.failed++;
                int retries = budget.retriesFor(head.plan().tenantId());
                if (a.failed > retries) {
                    park(tp, head, a.failed, f.getValue());
                    pending.remove(tp);
                    parked = true;
                }
            }
            if (round.progress()) {
                backoff = FIRST_BACKOFF;
            }
            if (hasPending(pending)) {
                sleep(backoff);
                backoff = nextBackoff(backoff);
            }
        }
        return !parked && !hasPending(pending);
    }

    /** Out of retries: nothing past this record is committed; its partition is read again from it after a pause. */
    private void park(TopicPartition tp, Pending head, int attempts, Exception failure) {
        ConsumerRecord<byte[], byte[]> r = head.record();
        Duration pause = nextPause.getOrDefault(tp, FIRST_BACKOFF);
        nextPause.put(tp, nextBackoff(pause));
        consumer.seek(tp, r.offset());
        consumer.pause(List.of(tp));
        pausedUntil.put(tp, System.nanoTime() + pause.toNanos());
        meters.counter("whatsapp.projector.retries_exhausted").increment();
        log.warn("Redis failed {} time(s) for {}-{}@{} (tenant {}); nothing past it is committed, the partition"
                        + " is read again from this record in {} ms: {}", attempts, r.topic(), r.partition(), r.offset(),
                head.plan().tenantId() == null ? "-" : head.plan().tenantId(), pause.toMillis(), failure.toString());
    }

    private Round applyRound(Map<TopicPartition, Deque<Pending>> pending, Map<TopicPartition, OffsetAndMetadata> done) {
        List<ProjectionScript.Call> calls = new ArrayList<>();
        for (Deque<Pending> queue : pending.values()) {
            Long previous = null;
            for (Pending p : queue) {
                calls.add(new ProjectionScript.Call(p.offsetKey(), p.record().offset(), p.plan().writes(), previous));
                previous = p.record().offset();
            }
        }
        List<ProjectionScript.Result> results;
        try {
            results = script.applyAll(calls);
        } catch (JedisException e) {
            Map<TopicPartition, Exception> all = new LinkedHashMap<>();
            pending.forEach((tp, queue) -> {
                if (!queue.isEmpty()) {
                    all.put(tp, e);
                }
            });
            return new Round(all, false);
        }
        Map<TopicPartition, Exception> failures = new LinkedHashMap<>();
        boolean progress = false;
        int i = 0;
        for (Map.Entry<TopicPartition, Deque<Pending>> e : pending.entrySet()) {
            Deque<Pending> queue = e.getValue();
            int sent = queue.size();
            boolean blocked = false;
            for (int k = 0; k < sent; k++) {
                ProjectionScript.Result result = results.get(i++);
                if (blocked) {
                    continue;
                }
                Pending p = queue.peekFirst();
                Exception problem = settle(p, result);
                if (problem == null && result.outcome() == ProjectionScript.Outcome.WAITING) {
                    // Only a call behind a failed one waits, and the failed one ended the partition's round.
                    problem = new IllegalStateException("projection call waited without a failed predecessor");
                }
                if (problem != null) {
                    failures.put(e.getKey(), problem);
                    blocked = true;
                } else {
                    queue.pollFirst();
                    done.put(e.getKey(), new OffsetAndMetadata(p.record().offset() + 1));
                    progress = true;
                }
            }
        }
        return new Round(failures, progress);
    }

    /** @return the transient failure that keeps the record pending, else null (applied, repeat or refused) */
    private Exception settle(Pending p, ProjectionScript.Result result) {
        ConsumerRecord<byte[], byte[]> r = p.record();
        if (result.error() == null) {
            if (result.outcome() != ProjectionScript.Outcome.WAITING && !p.plan().skipped()) {
                meters.counter("whatsapp.projector.records", "outcome",
                        result.outcome() == ProjectionScript.Outcome.APPLIED ? "applied" : "repeat").increment();
            }
            return null;
        }
        JedisDataException error = result.error();
        if (error instanceof JedisNoScriptException || isTransient(error)) {
            return error;
        }
        // The data cannot be written (e.g. a key of the wrong type): record the offset, keep going.
        try (LogContext c = LogContext.open().trace(Trace.of(r.headers()))) {
            log.error("Redis refused the projection of {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    error.getMessage());
        }
        meters.counter("whatsapp.projector.records", "outcome", "refused").increment();
        try {
            script.apply(p.offsetKey(), r.offset(), RedisWrites.none());
            return null;
        } catch (JedisException e) {
            return e;
        }
    }

    private static boolean hasPending(Map<TopicPartition, Deque<Pending>> pending) {
        for (Deque<Pending> queue : pending.values()) {
            if (!queue.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Redis states that pass: out of memory, busy with a script, loading, failing over. */
    private static boolean isTransient(JedisDataException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        return m.startsWith("OOM") || m.startsWith("BUSY") || m.startsWith("LOADING") || m.startsWith("READONLY")
                || m.startsWith("MASTERDOWN") || m.startsWith("TRYAGAIN") || m.startsWith("CLUSTERDOWN");
    }

    private static Duration nextBackoff(Duration current) {
        Duration next = current.isZero() ? FIRST_BACKOFF : current.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        clientMetrics.close();
        if (thread == null) {
            consumer.close(LEAVE_GROUP);
            return;
        }
        consumer.wakeup();
        try {
            if (!stopped.await(15, TimeUnit.SECONDS)) {
                log.warn("redis projector did not stop within 15 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
