package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The live stream's source: one consumer of this instance's own, without a group (each ingress instance serves its
 * own streams, so each reads every partition, and commits nothing). The compacted health and devices topics are
 * read from the beginning, to know every endpoint's and device's current state; what was on them before the
 * start is state, not news. The events topic is read from its end: only what happens from now on.
 *
 * <p>The events topic also carries every message: a record is decoded only when its key's tenant (keys start
 * with {@code tenantId}) is watched. If reading fails, the feed starts over after a pause, state and all.
 */
public final class KafkaLiveFeed implements LiveFeed {
    private static final Logger log = LoggerFactory.getLogger(KafkaLiveFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RESTART_PAUSE = Duration.ofSeconds(5);

    private final Topics topics;
    private final Map<String, Object> consumerConfig;
    private final JsonSerde<EndpointHealth> healthSerde;
    private final JsonSerde<Device> deviceSerde;
    private final JsonSerde<Envelope> eventSerde;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean ready;
    private volatile boolean running = true;
    private LiveSink sink;
    private Thread thread;

    public KafkaLiveFeed(String bootstrapServers, Topics topics, String clientId) {
        this.topics = topics;
        this.consumerConfig = KafkaClients.committedReader(bootstrapServers, null, clientId);
        this.healthSerde = serde(topics.endpointHealth());
        this.deviceSerde = serde(topics.devices());
        this.eventSerde = serde(topics.events());
    }

    @SuppressWarnings("unchecked")
    private static <V> JsonSerde<V> serde(Topic<String, V> topic) {
        return (JsonSerde<V>) topic.valueSerde();
    }

    @Override
    public void start(LiveSink sink) {
        this.sink = sink;
        thread = new Thread(this::run, "live-feed");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    private void run() {
        while (running) {
            try {
                readUntilStopped();
            } catch (WakeupException e) {
                return; // closing
            } catch (RuntimeException e) {
                ready = false;
                log.error("live feed stopped: {}; starting over in {} s", e.toString(), RESTART_PAUSE.toSeconds());
                sleep(RESTART_PAUSE);
            }
        }
    }

    private void readUntilStopped() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> events = partitions(c, topics.events());
            List<TopicPartition> state = new ArrayList<>(partitions(c, topics.endpointHealth()));
            state.addAll(partitions(c, topics.devices()));
            List<TopicPartition> all = new ArrayList<>(events);
            all.addAll(state);
            c.assign(all);
            c.seekToEnd(events);
            events.forEach(c::position); // fixes the position now: every event published from here on is seen
            c.seekToBeginning(state);
            Map<TopicPartition, Long> stateEnd = c.endOffsets(state); // below these offsets: state, not news
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    Long end = stateEnd.get(new TopicPartition(r.topic(), r.partition()));
                    dispatch(r, end == null || r.offset() >= end);
                }
                if (!ready && state.stream().allMatch(tp -> c.position(tp) >= stateEnd.get(tp))) {
                    ready = true;
                    log.info("live feed ready");
                }
            }
        } finally {
            consumer = null;
            ready = false;
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> r, boolean live) {
        try {
            if (r.topic().equals(topics.events().name())) {
                event(r);
            } else if (r.topic().equals(topics.endpointHealth().name())) {
                if (r.value() != null) {
                    decoded(healthSerde, r).ifPresent(h -> sink.health(h, live));
                }
            } else if (r.topic().equals(topics.devices().name()) && r.key() != null) {
                String deviceId = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    sink.device(deviceId, null, live);
                } else {
                    decoded(deviceSerde, r).ifPresent(d -> sink.device(deviceId, d, live));
                }
            }
        } catch (RuntimeException e) {
            log.warn("live feed skipped a record of {} at {}-{}: {}", r.topic(), r.partition(), r.offset(),
                    e.getClass().getSimpleName());
        }
    }

    private void event(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        if (r.key() != null) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            int colon = key.indexOf(':');
            if (!sink.watches(colon < 0 ? key : key.substring(0, colon))) {
                return;
            }
        }
        decoded(eventSerde, r).ifPresent(sink::event);
    }

    private <V> java.util.Optional<V> decoded(JsonSerde<V> serde, ConsumerRecord<byte[], byte[]> r) {
        Decoded<V> d = serde.decode(r.value());
        if (d instanceof Decoded.Ok<V> ok) {
            return java.util.Optional.of(ok.value());
        }
        log.warn("live feed skipped an unreadable record of {} at {}-{}: {}", r.topic(), r.partition(), r.offset(),
                ((Decoded.Bad<V>) d).reason());
        return java.util.Optional.empty();
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, Topic<?, ?> topic) {
        while (running) {
            List<PartitionInfo> infos = c.partitionsFor(topic.name(), Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            log.warn("topic {} not found yet; waiting", topic.name());
        }
        throw new WakeupException();
    }

    private void sleep(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        while (running && System.nanoTime() < until) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
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
