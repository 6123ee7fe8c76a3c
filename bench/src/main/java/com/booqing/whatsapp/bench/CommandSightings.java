package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.message.SendCommand;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * A consumer of the send-commands topic beside the sender's, configured as the sender's is (read_committed, no
 * group): when each command could first be read. It splits command-to-result into the broker's part (produced to
 * readable) and the sender's (readable to result made); it costs the broker one more fetcher while it runs.
 */
final class CommandSightings implements AutoCloseable {
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topic<String, SendCommand> topic;
    private final Thread thread;
    private volatile boolean running = true;

    CommandSightings(String bootstrapServers, Topic<String, SendCommand> topic) {
        this.topic = topic;
        consumer = new KafkaConsumer<>(KafkaClients.committedReader(bootstrapServers, null, "bench-command-sightings"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = IntStream.range(0, topic.partitions())
                .mapToObj(p -> new TopicPartition(topic.name(), p)).toList();
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // resolve the end now, before any command of the phase is produced
        thread = new Thread(this::loop, "bench-command-sightings");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    try {
                        seen.putIfAbsent(topic.valueSerde().deserializer().deserialize(topic.name(), r.value())
                                .messageId(), now);
                    } catch (RuntimeException bad) {
                        // not a command of ours
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException stopping) {
            // close() woke us
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** System.nanoTime() when the command was first read, or -1. */
    long at(String messageId) {
        return seen.getOrDefault(messageId, -1L);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
