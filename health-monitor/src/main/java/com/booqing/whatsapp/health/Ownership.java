package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which endpoints this instance checks, decided by Kafka group membership rather than a lock of our own: every
 * monitor joins one consumer group on the endpoints topic (key: endpoint id), and an instance owns the
 * endpoints whose key the default partitioner puts in a partition the group assigned to it. When an instance
 * leaves or dies, the group rebalances and the others take its partitions. Tenants are owned the same way, by
 * the partition their id would hash to, so one instance computes each tenant's failover.
 *
 * <p>The consumer only polls to stay in the group; the endpoints themselves come from the full view every
 * instance keeps (failover needs all of a tenant's endpoints, and a device may use any endpoint).
 */
public final class Ownership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ownership.class);

    private final String topic;
    private final Map<String, Object> consumerConfig;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final AtomicLong changes = new AtomicLong();
    private volatile int partitions;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public Ownership(String bootstrapServers, String topic, String groupId, String clientId, Duration sessionTimeout) {
        this.topic = topic;
        Map<String, Object> c = KafkaClients.committedReader(bootstrapServers, groupId, clientId);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
        // Members learn of a rebalance by heartbeat: a short interval hands endpoints over within about a second.
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.min(1_000, sessionTimeout.toMillis() / 3));
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        // Cooperative: a rebalance moves only the partitions that change hands; the others keep being checked.
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        this.consumerConfig = c;
    }

    public Ownership start() {
        thread = new Thread(this::run, "health-ownership");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** True when this instance checks the thing keyed {@code key} (an endpoint id, or a tenant id). */
    public boolean owns(String key) {
        int n = partitions;
        return n > 0 && owned.contains(partitionOf(key, n));
    }

    /** Counts assignment changes, so callers can tell that ownership moved since they last looked. */
    public long changes() {
        return changes.get();
    }

    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    /** The partition Kafka's default partitioner gives a string key: murmur2 of its UTF-8 bytes. */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            while (running && partitions == 0) {
                var infos = c.partitionsFor(topic, Duration.ofSeconds(10));
                if (infos != null && !infos.isEmpty()) {
                    partitions = infos.size();
                } else {
                    log.warn("topic {} not found yet; waiting", topic);
                }
            }
            c.subscribe(List.of(topic), new Listener());
            while (running) {
                c.poll(Duration.ofMillis(200));
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("ownership consumer stopped: {}", e.toString());
        } finally {
            owned.clear();
            changes.incrementAndGet();
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            revoked.forEach(tp -> owned.remove(tp.partition()));
            changes.incrementAndGet();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            assigned.forEach(tp -> owned.add(tp.partition()));
            changes.incrementAndGet();
            log.info("health monitor now checks partitions {} of {}", ownedPartitions(), topic);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            onPartitionsRevoked(lost);
        }
    }

    /** Leaves the group, so the others take over at once instead of after the session timeout. */
    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
