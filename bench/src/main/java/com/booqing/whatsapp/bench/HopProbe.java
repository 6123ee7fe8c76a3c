package com.booqing.whatsapp.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a webhook's time goes on its way to Redis: three observers that read the pipeline's topics from their
 * end while the webhook-to-Redis phase runs, each noting, for every record, how long after the record's
 * timestamp it became readable. The timestamp is the ingress producer's create time, and the inbound topology
 * keeps it on the events it writes, so all three hops count from the same moment (the ingress's {@code send}):
 * <ul>
 *   <li><b>raw</b>: the webhook readable on the raw topic (producer batching, the broker's append);</li>
 *   <li><b>events written</b>: the event on the events topic, read uncommitted (Streams' poll, processing and
 *       its producer's flush);</li>
 *   <li><b>events committed</b>: the same event visible to a read_committed reader such as the projector, i.e.
 *       after Streams' transaction commit.</li>
 * </ul>
 * The webhook-to-Redis latency minus "events committed" is the projector's share. A parked fetch is answered as
 * soon as records are readable, so the observers' resolution is a few milliseconds; they add three light
 * consumers to the broker.
 */
final class HopProbe implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(20);

    /** One hop's samples (milliseconds after the ingress's send, as nanoseconds for {@link Latencies}). */
    record Hops(Latencies raw, Latencies eventsWritten, Latencies eventsCommitted) {
    }

    private final List<Observer> observers = new ArrayList<>();

    private HopProbe() {
    }

    static HopProbe start(String bootstrapServers, String rawTopic, String eventsTopic) {
        HopProbe probe = new HopProbe();
        probe.observers.add(new Observer("raw", bootstrapServers, rawTopic, "read_uncommitted"));
        probe.observers.add(new Observer("events-written", bootstrapServers, eventsTopic, "read_uncommitted"));
        probe.observers.add(new Observer("events-committed", bootstrapServers, eventsTopic, "read_committed"));
        probe.observers.forEach(Observer::begin);
        return probe;
    }

    /** Stops the observers and returns what they saw. */
    Hops stop() {
        observers.forEach(Observer::end);
        return new Hops(observers.get(0).latencies, observers.get(1).latencies, observers.get(2).latencies);
    }

    @Override
    public void close() {
        observers.forEach(Observer::end);
    }

    private static final class Observer {
        private final String name;
        private final Map<String, Object> config = new HashMap<>();
        private final String topic;
        private final Latencies latencies = new Latencies(64 * 1024, 4_000_000);
        private volatile boolean running = true;
        private Thread thread;

        Observer(String name, String bootstrapServers, String topic, String isolation) {
            this.name = name;
            this.topic = topic;
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-hop-" + name);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
            // Only bounds empty fetches: the broker answers a parked fetch as soon as records are readable.
            config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        }

        void begin() {
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config);
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve "end" now, before the phase's first record
            thread = new Thread(() -> run(consumer), "bench-hop-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        private void run(KafkaConsumer<byte[], byte[]> consumer) {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        long now = System.currentTimeMillis();
                        latencies.record(TimeUnit.MILLISECONDS.toNanos(Math.max(0, now - r.timestamp())));
                    }
                }
            } catch (RuntimeException e) {
                System.err.println("bench: hop observer " + name + " stopped: " + e);
            }
        }

        void end() {
            running = false;
            if (thread != null) {
                try {
                    thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
