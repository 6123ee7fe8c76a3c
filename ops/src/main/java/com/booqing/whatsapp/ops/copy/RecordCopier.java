package com.booqing.whatsapp.ops.copy;

import com.booqing.whatsapp.ops.OperationFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Reads a {@link CopyPlan} with an assigned consumer (no consumer group, read_committed: it takes nothing away from
 * the services' own consumers) and writes each record the selector keeps with the durable producer, or only counts
 * it in a dry run. Each partition is read up to its planned end and then paused. A partition that yields nothing
 * for {@code stallTimeout} although it has not reached its end fails the copy rather than hang.
 */
public final class RecordCopier {
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Progress progress;
    private final LongSupplier nanoTime;
    private final Duration stallTimeout;

    /** @param producer null for a dry run */
    public RecordCopier(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, Progress progress,
                        LongSupplier nanoTime, Duration stallTimeout) {
        this.consumer = consumer;
        this.producer = producer;
        this.progress = progress;
        this.nanoTime = nanoTime;
        this.stallTimeout = stallTimeout;
    }

    /**
     * @param tenantOf which tenant a source record belongs to, for the per-tenant counts (may answer null)
     */
    public CopyStats copy(CopyPlan plan, Selection.Selector selector,
                          Function<ConsumerRecord<byte[], byte[]>, String> tenantOf) {
        CopyStats stats = new CopyStats();
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (PartitionRange r : plan.ranges()) {
            if (r.size() > 0) {
                ends.put(new TopicPartition(plan.topic(), r.partition()), r.end());
            }
        }
        if (ends.isEmpty()) {
            stats.elapsed(progress.elapsed());
            return stats;
        }
        consumer.assign(List.copyOf(ends.keySet()));
        for (PartitionRange r : plan.ranges()) {
            if (r.size() > 0) {
                consumer.seek(new TopicPartition(plan.topic(), r.partition()), r.start());
            }
        }
        Set<TopicPartition> open = new HashSet<>(ends.keySet());
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong acknowledged = new AtomicLong();
        long lastProgress = nanoTime.getAsLong();
        while (!open.isEmpty()) {
            if (failure.get() != null) {
                break;
            }
            boolean moved = false;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                Long end = ends.get(tp);
                if (end == null || r.offset() >= end) {
                    continue; // read past the planned end before the partition was paused
                }
                moved = true;
                stats.scanned();
                Selection s = selector.select(r);
                if (s instanceof Selection.Skip skip) {
                    stats.skipped(skip.reason());
                    continue;
                }
                ProducerRecord<byte[], byte[]> out = ((Selection.Copy) s).record();
                stats.copied(tenantOf.apply(r));
                if (producer != null) {
                    producer.send(out, (meta, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else {
                            acknowledged.incrementAndGet();
                            stats.written(meta.partition(), meta.offset());
                        }
                    });
                }
            }
            for (TopicPartition tp : Set.copyOf(open)) {
                if (consumer.position(tp) >= ends.get(tp)) {
                    open.remove(tp);
                    consumer.pause(List.of(tp));
                    moved = true;
                }
            }
            long now = nanoTime.getAsLong();
            if (moved) {
                lastProgress = now;
            } else if (now - lastProgress > stallTimeout.toNanos()) {
                TopicPartition stuck = open.iterator().next();
                throw new OperationFailedException("no records from " + stuck + " for " + Times.human(stallTimeout)
                        + " at offset " + consumer.position(stuck) + " although it should reach " + ends.get(stuck)
                        + " (broker away?); " + acknowledged.get() + " records were written before that");
            }
            progress.update(stats.scannedCount(), (producer == null ? "would copy " : "copied ")
                    + String.format(java.util.Locale.ROOT, "%,d", stats.copiedCount()));
        }
        if (producer != null) {
            producer.flush();
        }
        if (failure.get() != null) {
            Exception e = failure.get();
            throw new OperationFailedException("writing failed after " + acknowledged.get() + " records were written: "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        stats.elapsed(progress.elapsed());
        return stats;
    }
}
