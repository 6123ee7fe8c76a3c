package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.message.SendResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Reads the send-results topic from its end (read_committed, as any consumer of results would) on its own thread
 * and notes when each message's result arrived: the far end of "command to result".
 */
final class SendResults implements AutoCloseable {
    /**
     * A result as it arrived; {@code nanos} is System.nanoTime() when the consumer returned it, {@code completedMillis}
     * the sender's clock when it made the result (the same machine's wall clock as the bench's).
     */
    record Arrival(long nanos, SendResult.Outcome outcome, String endpointId, long completedMillis) {
    }

    private final Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Topic<String, SendResult> topic;
    private final Thread thread;
    private volatile boolean running = true;

    SendResults(String bootstrapServers, Topic<String, SendResult> topic) {
        this.topic = topic;
        Map<String, Object> c = KafkaClients.committedReader(bootstrapServers, null, "bench-results");
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = IntStream.range(0, topic.partitions())
                .mapToObj(p -> new TopicPartition(topic.name(), p)).collect(Collectors.toList());
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // resolve the end now, before any command is produced
        thread = new Thread(this::loop, "bench-results");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    try {
                        SendResult result = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
                        arrivals.putIfAbsent(result.messageId(),
                                new Arrival(now, result.outcome(), result.endpointId(),
                                        result.completedAt() == null ? -1 : result.completedAt().toEpochMilli()));
                    } catch (RuntimeException bad) {
                        // not a result of ours; the phases count what is missing
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException stopping) {
            // close() woke us
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    Arrival get(String messageId) {
        return arrivals.get(messageId);
    }

    /** Waits until every id has a result or the timeout passes. @return how many have one */
    int await(List<String> messageIds, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        int i = 0;
        while (true) {
            while (i < messageIds.size() && arrivals.containsKey(messageIds.get(i))) {
                i++;
            }
            seen = i;
            if (i == messageIds.size() || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (seen < messageIds.size()) {
            seen = (int) messageIds.stream().filter(arrivals::containsKey).count();
        }
        return seen;
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
