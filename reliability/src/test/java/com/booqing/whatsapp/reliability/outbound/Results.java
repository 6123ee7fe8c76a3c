package com.booqing.whatsapp.reliability.outbound;

import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.message.SendResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads the results topic from its start in the background (read_committed) and keeps every result by message id,
 * in arrival order, with its record timestamp: the sender's producer stamps it when the result is handed over, so
 * {@code result timestamp - command timestamp} is the command-to-result latency without this reader's polling.
 */
final class Results implements AutoCloseable {
    private static final JsonSerde<SendResult> SERDE = JsonSerde.of(SendResult.class);

    /** A result and its record's timestamp (ms). */
    record Entry(SendResult result, long timestamp) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, List<Entry>> byMessage = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    Results(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(KafkaClients.committedReader(bootstrap, null, "outbound-results"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(10))
                .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "outbound-results-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (SERDE.decode(r.value()) instanceof Decoded.Ok<SendResult> ok) {
                        byMessage.computeIfAbsent(ok.value().messageId(), id -> new CopyOnWriteArrayList<>())
                                .add(new Entry(ok.value(), r.timestamp()));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Every result of the message, in arrival order. */
    List<Entry> of(String messageId) {
        return List.copyOf(byMessage.getOrDefault(messageId, List.of()));
    }

    /** The first result of the message, or null. */
    Entry first(String messageId) {
        List<Entry> all = byMessage.get(messageId);
        return all == null || all.isEmpty() ? null : all.get(0);
    }

    /** How many of the messages have at least one result. */
    long countWithResult(Collection<String> messageIds) {
        return messageIds.stream().filter(id -> !byMessage.getOrDefault(id, List.of()).isEmpty()).count();
    }

    /**
     * Waits until every message has a result or {@code timeout} passes (bounded polling).
     *
     * @return how many still have none
     */
    long awaitAll(Collection<String> messageIds, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long missing = messageIds.size() - countWithResult(messageIds);
        while (missing > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            missing = messageIds.size() - countWithResult(messageIds);
        }
        return missing;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
