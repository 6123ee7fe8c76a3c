package com.booqing.whatsapp.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import com.booqing.whatsapp.common.kafka.KafkaClients;

import java.time.Duration;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Consumer lag of several groups, sampled with one admin client (unlike {@link ConsumerLag}, which opens one per
 * look: too slow to sample every second). Lag = end offset minus the group's committed offset, summed over the
 * topic's partitions; a partition without a commit counts from 0.
 *
 * <p>On a topic written in transactions (the events topic: Kafka Streams with exactly-once) the end offset counts
 * the commit markers too, and a consumer that commits the offset after the last record it processed (the
 * projector) stays one marker behind on every partition once the traffic stops: an offset gap with nothing left
 * to read. So where a partition's gap is small ({@link #EXACT_BELOW} offsets or fewer) the records in it are
 * counted with a read_committed consumer of no group; the lag is then the records still to read, and the
 * remaining gap is reported as markers.
 */
final class LagWatch implements AutoCloseable {
    /** One group on one or more topics, under the name the report gives it. */
    record Watched(String name, String groupId, List<String> topics) {
    }

    static final int EXACT_BELOW = 20;

    /** @param records records still to read; {@code markers} offsets of the gap holding none (commit markers) */
    record Lag(long records, long markers) {
        @Override
        public String toString() {
            return records < 0 ? "?" : markers == 0 ? Long.toString(records) : records + " (+" + markers + " markers)";
        }
    }

    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final List<Watched> watched;
    private final Map<String, List<TopicPartition>> partitions = new HashMap<>();

    LagWatch(String bootstrapServers, List<Watched> watched) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8_000));
        this.watched = List.copyOf(watched);
        Map<String, Object> c = KafkaClients.committedReader(bootstrapServers, null, "load-lag-reader");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        this.reader = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    List<Watched> watched() {
        return watched;
    }

    /**
     * Reads every group's committed offsets first and the end offsets after them, so that a sample can only
     * overstate the lag: a chain (Streams commits, then the projector reads what Streams wrote) cannot read as 0
     * while a record is between two of its stages.
     *
     * @return lag by watched name, in order; records -1 where it could not be read
     */
    Map<String, Lag> sample() {
        Map<String, Lag> out = new LinkedHashMap<>();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committedByGroup = new HashMap<>();
        for (Watched w : watched) {
            if (committedByGroup.containsKey(w.groupId())) {
                continue;
            }
            try {
                committedByGroup.put(w.groupId(), admin.listConsumerGroupOffsets(w.groupId())
                        .partitionsToOffsetAndMetadata().get(8, TimeUnit.SECONDS));
            } catch (Exception e) {
                interruptedAgain(e);
            }
        }
        Map<TopicPartition, Long> ends;
        try {
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (Watched w : watched) {
                for (String topic : w.topics()) {
                    for (TopicPartition tp : partitions(topic)) {
                        ask.put(tp, OffsetSpec.latest());
                    }
                }
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r =
                    admin.listOffsets(ask).all().get(8, TimeUnit.SECONDS);
            ends = new HashMap<>();
            r.forEach((tp, info) -> ends.put(tp, info.offset()));
        } catch (Exception e) {
            interruptedAgain(e);
            watched.forEach(w -> out.put(w.name(), new Lag(-1, 0)));
            return out;
        }
        for (Watched w : watched) {
            Map<TopicPartition, OffsetAndMetadata> committed = committedByGroup.get(w.groupId());
            if (committed == null) {
                out.put(w.name(), new Lag(-1, 0));
                continue;
            }
            try {
                long records = 0;
                long markers = 0;
                Map<TopicPartition, long[]> small = new HashMap<>();
                for (String topic : w.topics()) {
                    for (TopicPartition tp : partitions(topic)) {
                        OffsetAndMetadata c = committed.get(tp);
                        long from = c == null ? 0 : c.offset();
                        long end = ends.getOrDefault(tp, 0L);
                        long gap = Math.max(0, end - from);
                        if (gap > 0 && gap <= EXACT_BELOW) {
                            small.put(tp, new long[]{from, end});
                        } else {
                            records += gap;
                        }
                    }
                }
                if (!small.isEmpty()) {
                    long found = recordsIn(small);
                    long gaps = small.values().stream().mapToLong(r -> r[1] - r[0]).sum();
                    records += found;
                    markers += gaps - found;
                }
                out.put(w.name(), new Lag(records, markers));
            } catch (Exception e) {
                interruptedAgain(e);
                out.put(w.name(), new Lag(-1, 0));
            }
        }
        return out;
    }

    /** Committed records in [from, end) of each partition (at most {@link #EXACT_BELOW} offsets each). */
    private long recordsIn(Map<TopicPartition, long[]> ranges) {
        reader.assign(ranges.keySet());
        ranges.forEach((tp, r) -> reader.seek(tp, r[0]));
        long count = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> rec : reader.poll(Duration.ofMillis(100))) {
                long[] r = ranges.get(new TopicPartition(rec.topic(), rec.partition()));
                if (r != null && rec.offset() < r[1]) {
                    count++;
                }
            }
            if (unread(ranges) == 0) {
                break;
            }
        }
        // Offsets not reached within the bound count as records: the lag is overstated, never understated.
        count += unread(ranges);
        reader.unsubscribe();
        return count;
    }

    private long unread(Map<TopicPartition, long[]> ranges) {
        long left = 0;
        for (Map.Entry<TopicPartition, long[]> e : ranges.entrySet()) {
            left += Math.max(0, e.getValue()[1] - reader.position(e.getKey(), Duration.ofSeconds(2)));
        }
        return left;
    }

    private List<TopicPartition> partitions(String topic) throws Exception {
        List<TopicPartition> known = partitions.get(topic);
        if (known == null) {
            known = admin.describeTopics(List.of(topic)).allTopicNames().get(8, TimeUnit.SECONDS).get(topic)
                    .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            partitions.put(topic, known);
        }
        return known;
    }

    private static void interruptedAgain(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        reader.close(Duration.ofSeconds(5));
    }
}
