package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.management.CommandOutcome;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Outcomes from the management-outcomes topic. Each ingress instance reads every partition itself (no consumer
 * group: an outcome must reach the instance whose request waits for it, whichever that is), starting from the
 * end at start-up; it is ready once its position on every partition is fixed, so every outcome published after
 * that is seen. Nothing is committed: a restarted instance has no waiting requests.
 */
public final class KafkaCommandOutcomes extends OutcomeRegistry {
    private static final Logger log = LoggerFactory.getLogger(KafkaCommandOutcomes.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Topic<String, CommandOutcome> topic;
    private final JsonSerde<CommandOutcome> serde;
    private final Map<String, Object> consumerConfig;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean ready;
    private volatile boolean running = true;
    private Thread thread;

    public KafkaCommandOutcomes(String bootstrapServers, Topic<String, CommandOutcome> topic, String clientId) {
        this.topic = topic;
        this.serde = (JsonSerde<CommandOutcome>) topic.valueSerde();
        this.consumerConfig = KafkaClients.committedReader(bootstrapServers, null, clientId);
    }

    @Override
    public void start() {
        thread = new Thread(this::run, "outcomes-" + topic.name());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = waitForPartitions(c);
            c.assign(partitions);
            c.seekToEnd(partitions);
            partitions.forEach(c::position); // resolves the lazy seek now: from here on, nothing is missed
            ready = true;
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    Decoded<CommandOutcome> d = serde.decode(r.value());
                    if (d instanceof Decoded.Ok<CommandOutcome> ok) {
                        complete(ok.value());
                    } else {
                        log.warn("skipping unreadable outcome on {} at {}-{}: {}", topic.name(), r.partition(),
                                r.offset(), ((Decoded.Bad<CommandOutcome>) d).reason());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("reading {} stopped: {}; writes will answer 202 until restarted", topic.name(), e.toString());
        } finally {
            ready = false;
        }
    }

    private List<TopicPartition> waitForPartitions(KafkaConsumer<byte[], byte[]> c) {
        while (running) {
            List<PartitionInfo> infos = c.partitionsFor(topic.name(), Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            log.warn("topic {} not found yet; waiting", topic.name());
        }
        throw new WakeupException();
    }

    @Override
    public void close() {
        // Wake the consumer rather than interrupt the thread: an interrupted KafkaConsumer cannot close cleanly.
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
