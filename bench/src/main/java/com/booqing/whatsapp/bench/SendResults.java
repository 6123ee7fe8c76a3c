package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.message.SendResult;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    private final TopicTail tail;

    SendResults(String bootstrapServers, Topic<String, SendResult> topic) {
        tail = new TopicTail(bootstrapServers, topic.name(), topic.partitions(), "bench-results", (value, nanos) -> {
            try {
                SendResult result = topic.valueSerde().deserializer().deserialize(topic.name(), value);
                arrivals.putIfAbsent(result.messageId(), new Arrival(nanos, result.outcome(), result.endpointId(),
                        result.completedAt() == null ? -1 : result.completedAt().toEpochMilli()));
            } catch (RuntimeException bad) {
                // not a result of ours; the phases count what is missing
            }
        });
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
        tail.close();
    }
}
