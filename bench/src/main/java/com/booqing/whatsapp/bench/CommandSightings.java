package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.message.SendCommand;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A reader of the send-commands topic beside the sender's, configured as the sender's is (read_committed): when
 * each command could first be read. It splits command-to-result into the broker's part (produced to readable) and
 * the sender's (readable to result made); it costs the broker one more fetcher while it runs.
 */
final class CommandSightings implements AutoCloseable {
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final TopicTail tail;

    CommandSightings(String bootstrapServers, Topic<String, SendCommand> topic) {
        tail = new TopicTail(bootstrapServers, topic.name(), topic.partitions(), "bench-command-sightings",
                (value, nanos) -> {
                    try {
                        seen.putIfAbsent(topic.valueSerde().deserializer().deserialize(topic.name(), value)
                                .messageId(), nanos);
                    } catch (RuntimeException bad) {
                        // not a command of ours
                    }
                });
    }

    /** System.nanoTime() when the command was first read, or -1. */
    long at(String messageId) {
        return seen.getOrDefault(messageId, -1L);
    }

    @Override
    public void close() {
        tail.close();
    }
}
