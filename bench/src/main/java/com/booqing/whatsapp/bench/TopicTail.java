package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reads every partition of a topic from its end as of construction (read_committed, no group, as the services'
 * readers are) on a daemon thread of its own, and hands each record's value to {@code onRecord} with
 * System.nanoTime() when the poll returned it. The benches' far ends: results arriving, commands becoming readable.
 */
final class TopicTail implements AutoCloseable {
    /** One record's value and when it was read. */
    interface Reader {
        void read(byte[] value, long readNanos);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Reader onRecord;
    private final Thread thread;
    private volatile boolean running = true;

    TopicTail(String bootstrapServers, String topic, int partitions, String clientId, Reader onRecord) {
        this.onRecord = onRecord;
        consumer = new KafkaConsumer<>(KafkaClients.committedReader(bootstrapServers, null, clientId),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // resolve the end now, before anything of the run is produced
        thread = new Thread(this::loop, clientId);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    onRecord.read(r.value(), System.nanoTime());
                }
            }
        } catch (WakeupException stopping) {
            // close() woke us
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
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
