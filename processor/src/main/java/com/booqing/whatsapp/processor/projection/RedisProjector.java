package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
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
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Projects the events, send-command, send-result and compacted state topics into Redis for the read API.
 *
 * <p>Redis is outside Kafka's transactions, so every record is applied by {@link ProjectionScript}, which
 * stores the record's offset under {@code offsets:redis:{topic}:{partition}} in the same atomic step and skips
 * any offset at or below the stored one. A replay, a restart before the commit, or a consumer that lost its
 * partition in a rebalance therefore never applies a record twice. Offsets are committed to Kafka only for
 * records Redis has taken (read_committed, manual commit). A poll's records are sent as one pipeline of script
 * calls, in order per partition; a call names the offset of the one before it and writes nothing until that one
 * is stored, so a failed record is never fenced out by those queued behind it. When Redis fails, the record is
 * retried with a bounded backoff, then the partition is rewound to it and the loop waits before polling
 * again, so nothing is lost. A record that cannot be projected at all (unreadable, or refused by Redis as data) is logged and
 * its offset recorded, so it cannot stall its partition; it stays on its topic for a replay.
 */
public final class RedisProjector implements AutoCloseable {
    public static final String PROJECTION = "redis";
    private static final Logger log = LoggerFactory.getLogger(RedisProjector.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int ATTEMPTS = 5;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Consumer<byte[], byte[]> consumer;
    private final ProjectionPlanner planner;
    private final ProjectionScript script;
    private final RedisKeys keys;
    private final MeterRegistry meters;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private Thread thread;

    public RedisProjector(Consumer<byte[], byte[]> consumer, ProjectionPlanner planner, ProjectionScript script,
                          RedisKeys keys, MeterRegistry meters) {
        this.consumer = consumer;
        this.planner = planner;
        this.script = script;
        this.keys = keys;
        this.meters = meters;
    }

    /**
     * Consumer settings: committed records only, manual commit, from the earliest offset of a new group; a fetch
     * returns as soon as there is a byte to read (the broker's default wait of 500 ms is the projection's latency).
     */
    public static Map<String, Object> consumerConfig(String bootstrapServers, String groupId, String clientId) {
        Map<String, Object> c = KafkaClients.committedReader(bootstrapServers, groupId, clientId);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return c;
    }

    public static RedisProjector create(String bootstrapServers, String groupId, ProjectionPlanner planner,
                                        ProjectionScript script, RedisKeys keys, MeterRegistry meters) {
        String clientId = groupId + "-" + Long.toHexString(System.nanoTime());
        return new RedisProjector(new KafkaConsumer<>(consumerConfig(bootstrapServers, groupId, clientId)), planner,
                script, keys, meters);
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
            consumer.subscribe(planner.topicNames());
            Duration backoff = Duration.ZERO;
            while (running) {
                if (!backoff.isZero()) {
                    sleep(backoff);
                }
                boolean redisOk = pollOnce();
                backoff = redisOk ? Duration.ZERO : nextBackoff(backoff);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("redis projector stopped", e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.warn("closing the projector's consumer: {}", e.toString());
            }
            stopped.countDown();
        }
    }

    /**
     * Applies one poll's records in pipelined rounds (one round trip for all partitions) and commits what Redis
     * took. A record whose call failed holds back the rest of its partition (the script writes nothing for them),
     * so every partition is applied in order up to its first failure.
     *
     * @return false when Redis failed and the rest of the batch was rewound
     */
    boolean pollOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        if (records.isEmpty()) {
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
        boolean redisOk = applyWithRetries(pending, done);
        if (!redisOk) {
            pending.forEach((tp, queue) -> {
                if (!queue.isEmpty()) {
                    consumer.seek(tp, queue.peekFirst().record().offset());
                }
            });
        }
        if (!done.isEmpty()) {
            try {
                consumer.commitSync(done);
            } catch (KafkaException e) {
                // The records are in Redis and fenced there; a consumer that gets them again skips them.
                log.warn("could not commit projector offsets: {}", e.toString());
            }
        }
        return redisOk;
    }

    private record Pending(ConsumerRecord<byte[], byte[]> record, ProjectionPlanner.Plan plan, String offsetKey) {
    }

    /** The outcome of one pipelined round: the transient failure that stopped a partition, if any. */
    private record Round(Exception failure, boolean progress) {
    }

    private ProjectionPlanner.Plan plan(ConsumerRecord<byte[], byte[]> r) {
        ProjectionPlanner.Plan plan = planner.plan(r);
        if (plan.skipped()) {
            log.warn("not projecting {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), plan.skipReason());
            meters.counter("whatsapp.projector.records", "outcome", "skipped").increment();
        }
        return plan;
    }

    /** @return false when Redis could not take every record after the retries */
    private boolean applyWithRetries(Map<TopicPartition, Deque<Pending>> pending,
                                     Map<TopicPartition, OffsetAndMetadata> done) {
        int failures = 0;
        Duration backoff = FIRST_BACKOFF;
        while (running && hasPending(pending)) {
            Round round = applyRound(pending, done);
            if (round.failure() == null) {
                continue;
            }
            // Bounded retries count rounds that took nothing, as the single-call loop counted one record's attempts.
            if (round.progress()) {
                failures = 0;
                backoff = FIRST_BACKOFF;
            }
            failures++;
            meters.counter("whatsapp.projector.redis_failures").increment();
            if (failures >= ATTEMPTS) {
                Pending first = firstPending(pending);
                log.warn("Redis unavailable for {}-{}@{} after {} attempts ({}); will retry from this record",
                        first.record().topic(), first.record().partition(), first.record().offset(), failures,
                        round.failure().toString());
                return false;
            }
            sleep(backoff);
            backoff = nextBackoff(backoff);
        }
        return !hasPending(pending);
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
            return new Round(e, false);
        }
        Exception failure = null;
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
                if (problem != null) {
                    failure = problem;
                    blocked = true;
                } else if (result.outcome() == ProjectionScript.Outcome.WAITING) {
                    // Only a call behind a failed one waits, and the failed one ended the partition's round.
                    failure = new IllegalStateException("projection call waited without a failed predecessor");
                    blocked = true;
                } else {
                    queue.pollFirst();
                    done.put(e.getKey(), new OffsetAndMetadata(p.record().offset() + 1));
                    progress = true;
                }
            }
        }
        return new Round(failure, progress);
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
        log.error("Redis refused the projection of {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                error.getMessage());
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

    private static Pending firstPending(Map<TopicPartition, Deque<Pending>> pending) {
        for (Deque<Pending> queue : pending.values()) {
            if (!queue.isEmpty()) {
                return queue.peekFirst();
            }
        }
        throw new IllegalStateException("nothing pending");
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
        running = false;
        if (thread == null) {
            consumer.close(Duration.ofSeconds(5));
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
