package com.booqing.whatsapp.common.kafka;

import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * An in-memory copy of a compacted topic (configuration, endpoints, devices, health), read from the beginning
 * by every instance without a consumer group. This is how the ingress, the sender and the health monitor know
 * tenants' endpoints without calling each other or reading Redis on a hot path. A record that cannot be read is
 * logged and skipped: the view keeps the previous value for that key.
 */
public final class CompactedTopicView<V> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompactedTopicView.class);

    private final Topic<String, V> topic;
    private final JsonSerde<V> serde;
    private final Map<String, Object> consumerConfig;
    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final BiConsumer<String, V> listener;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;
    private volatile boolean running = true;

    /** @param listener told of every change after it is applied (value null on delete); may be a no-op */
    @SuppressWarnings("unchecked")
    public CompactedTopicView(String bootstrapServers, Topic<String, V> topic, String clientId,
                              BiConsumer<String, V> listener) {
        if (!(topic.valueSerde() instanceof JsonSerde<?>)) {
            throw new IllegalArgumentException(topic.name() + " is not a JSON topic");
        }
        this.topic = topic;
        this.serde = (JsonSerde<V>) topic.valueSerde();
        this.listener = listener;
        this.consumerConfig = KafkaClients.committedReader(bootstrapServers, null, clientId);
    }

    public CompactedTopicView<V> start() {
        thread = new Thread(this::run, "view-" + topic.name());
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Waits until everything on the topic when the view started has been read. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public Optional<V> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Collection<V> values() {
        return List.copyOf(values.values());
    }

    public Map<String, V> snapshot() {
        return Map.copyOf(values);
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = waitForPartitions(c);
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("view of {} stopped: {}", topic.name(), e.toString());
        }
    }

    private List<TopicPartition> waitForPartitions(KafkaConsumer<String, byte[]> c) {
        while (running) {
            var infos = c.partitionsFor(topic.name(), Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            log.warn("topic {} not found yet; waiting", topic.name());
        }
        throw new WakeupException();
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            values.remove(r.key());
            listener.accept(r.key(), null);
            return;
        }
        Decoded<V> d = serde.decode(r.value());
        if (d instanceof Decoded.Ok<V> ok) {
            values.put(r.key(), ok.value());
            listener.accept(r.key(), ok.value());
        } else {
            log.warn("skipping unreadable record on {} at {}-{}: {}", topic.name(), r.partition(), r.offset(),
                    ((Decoded.Bad<V>) d).reason());
        }
    }

    @Override
    public void close() {
        // Wake the consumer rather than interrupt the thread: an interrupted KafkaConsumer cannot close cleanly.
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
