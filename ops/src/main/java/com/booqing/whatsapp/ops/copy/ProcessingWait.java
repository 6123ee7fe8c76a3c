package com.booqing.whatsapp.ops.copy;

import com.booqing.whatsapp.ops.OperationFailedException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Waits until a service's consumer group has committed past the records a copy wrote, i.e. until the processor
 * (or the sender) has handled them. The services commit after handling (the processor inside its exactly-once
 * transaction), so a committed offset past a record means its effects are written.
 */
public final class ProcessingWait {
    private final Admin admin;
    private final LongSupplier nanoTime;
    private final Duration pollEvery;

    public ProcessingWait(Admin admin, LongSupplier nanoTime, Duration pollEvery) {
        this.admin = admin;
        this.nanoTime = nanoTime;
        this.pollEvery = pollEvery;
    }

    /**
     * @param lastWritten last offset written per partition of {@code topic}
     * @param progress    where the wait is reported while it lasts
     */
    public void await(String group, String topic, Map<Integer, Long> lastWritten, Duration timeout, Progress progress) {
        if (lastWritten.isEmpty()) {
            return;
        }
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
            long done = lastWritten.entrySet().stream().filter(e -> {
                OffsetAndMetadata c = committed.get(new TopicPartition(topic, e.getKey()));
                return c != null && c.offset() > e.getValue();
            }).count();
            if (done == lastWritten.size()) {
                return;
            }
            if (nanoTime.getAsLong() > deadline) {
                throw new OperationFailedException("the records are written, but " + group + " has not handled them "
                        + "within " + Times.human(timeout) + " (" + done + " of " + lastWritten.size()
                        + " partitions done; is it running?). They stay on " + topic + " and are handled when it"
                        + " catches up");
            }
            progress.note("waiting for " + group + " to handle the copies: " + done + " of " + lastWritten.size()
                    + " partitions done");
            sleep();
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String group) {
        try {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new OperationFailedException("cannot read the offsets of consumer group " + group + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationFailedException("interrupted");
        }
    }

    private void sleep() {
        try {
            Thread.sleep(pollEvery.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationFailedException("interrupted");
        }
    }
}
