package com.booqing.whatsapp.reliability.outbound;

import com.booqing.whatsapp.common.message.SendCommand;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Publishes send commands at a steady rate, as an internal system would. */
final class Load {

    /** A command and when it was published: its record timestamp (ms) and the same instant to the microsecond. */
    record Published(SendCommand command, long at, Instant instant) {
        String messageId() {
            return command.messageId();
        }
    }

    private Load() {
    }

    /**
     * Publishes {@code perSecond × duration} commands evenly spaced (the i-th at start + i/perSecond), without
     * waiting for each acknowledgement, then waits for all of them.
     *
     * @param next the i-th command (0-based)
     */
    static List<Published> paced(OutboundStage stage, int perSecond, Duration duration, IntFunction<SendCommand> next)
            throws Exception {
        int n = (int) (perSecond * duration.toMillis() / 1000);
        List<Published> published = new ArrayList<>(n);
        List<Future<RecordMetadata>> acks = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + (long) i * 1_000_000_000L / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing to a clock, not waiting for a condition
            }
            SendCommand command = next.apply(i);
            Instant now = Instant.now();
            acks.add(stage.publish(command, now.toEpochMilli()));
            published.add(new Published(command, now.toEpochMilli(), now));
        }
        for (Future<RecordMetadata> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
        }
        return published;
    }
}
