package com.booqing.whatsapp.sender.testing;

import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.message.SendResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;

/** Reads a results topic from its start in the background and keeps every result by message id, in arrival order. */
public final class ResultLog implements AutoCloseable {
    private static final JsonSerde<SendResult> SERDE = JsonSerde.of(SendResult.class);

    /** A result and the key it was published under. */
    public record Entry(String key, SendResult result) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, List<Entry>> byMessage = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public ResultLog(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(KafkaClients.committedReader(bootstrap, null, "it-results"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(10))
                .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "it-results-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (SERDE.decode(r.value()) instanceof Decoded.Ok<SendResult> ok) {
                        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                        byMessage.computeIfAbsent(ok.value().messageId(), id -> new CopyOnWriteArrayList<>())
                                .add(new Entry(key, ok.value()));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Waits for the first result of the message. */
    public SendResult await(String messageId, Duration timeout) {
        Awaitility.await().atMost(timeout).until(() -> !byMessage.getOrDefault(messageId, List.of()).isEmpty());
        return byMessage.get(messageId).get(0).result();
    }

    public List<Entry> entries(String messageId) {
        return List.copyOf(byMessage.getOrDefault(messageId, List.of()));
    }

    public List<SendResult> all(String messageId) {
        return entries(messageId).stream().map(Entry::result).toList();
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
