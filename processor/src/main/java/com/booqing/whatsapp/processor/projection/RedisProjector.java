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

import java.time.Duration;
import java.util.HashMap;
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
 * records Redis has taken (read_committed, manual commit): when Redis fails, the record is retried with a
 * bounded backoff, then the partition is rewound to it and the loop waits before polling again, so nothing
 * is lost. A record that cannot be projected at all (unreadable, or refused by Redis as data) is logged and
 * its offset recorded, so it cannot stall its partition; it stays on its topic for a replay.
 */
public final class RedisProjector implements AutoCloseable {
    public static final String PROJECTION = "redis";
    private static final Logger log = LoggerFactory.getLogger(RedisProjector.class);
    private static final Duration POLL = Duration.ofMillis(500);
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

    /** Consumer settings: committed records only, manual commit, from the earliest offset of a new group. */
    public static Map<String, Object> consumerConfig(String bootstrapServers, String groupId, String clientId) {
        Map<String, Object> c = KafkaClients.committedReader(bootstrapServers, groupId, clientId);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
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
     * Applies one poll's records partition by partition and commits what Redis took.
     *
     * @return false when Redis failed and the rest of the batch was rewound
     */
    boolean pollOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        boolean redisOk = true;
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
            if (!redisOk) {
                consumer.seek(tp, batch.get(0).offset());
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                if (!applyWithRetries(r)) {
                    consumer.seek(tp, r.offset());
                    redisOk = false;
                    break;
                }
                done.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
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

    /** @return false when Redis could not be reached after the retries */
    private boolean applyWithRetries(ConsumerRecord<byte[], byte[]> r) {
        ProjectionPlanner.Plan plan = planner.plan(r);
        if (plan.skipped()) {
            log.warn("not projecting {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), plan.skipReason());
            meters.counter("whatsapp.projector.records", "outcome", "skipped").increment();
        }
        String offsetKey = keys.projectionOffset(PROJECTION, r.topic(), r.partition());
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; running; attempt++) {
            try {
                boolean applied = script.apply(offsetKey, r.offset(), plan.writes());
                if (!plan.skipped()) {
                    meters.counter("whatsapp.projector.records", "outcome", applied ? "applied" : "repeat").increment();
                }
                return true;
            } catch (JedisDataException e) {
                if (!isTransient(e)) {
                    // The data cannot be written (e.g. a key of the wrong type): record the offset, keep going.
                    log.error("Redis refused the projection of {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                            e.getMessage());
                    meters.counter("whatsapp.projector.records", "outcome", "refused").increment();
                    return skipOffset(offsetKey, r);
                }
                if (!retry(r, attempt, e, backoff)) {
                    return false;
                }
            } catch (JedisException e) {
                if (!retry(r, attempt, e, backoff)) {
                    return false;
                }
            }
            backoff = nextBackoff(backoff);
        }
        return false;
    }

    private boolean skipOffset(String offsetKey, ConsumerRecord<byte[], byte[]> r) {
        try {
            script.apply(offsetKey, r.offset(), RedisWrites.none());
            return true;
        } catch (JedisException e) {
            return false;
        }
    }

    private boolean retry(ConsumerRecord<byte[], byte[]> r, int attempt, Exception e, Duration backoff) {
        meters.counter("whatsapp.projector.redis_failures").increment();
        if (attempt >= ATTEMPTS) {
            log.warn("Redis unavailable for {}-{}@{} after {} attempts ({}); will retry from this record",
                    r.topic(), r.partition(), r.offset(), attempt, e.toString());
            return false;
        }
        sleep(backoff);
        return running;
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
