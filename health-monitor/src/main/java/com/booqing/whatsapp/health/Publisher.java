package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/** Everything the monitor writes: endpoint health, events (device, failover) and sealed device sessions. */
public final class Publisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;

    public Publisher(String bootstrapServers, Topics topics, String clientId) {
        this.topics = topics;
        this.producer = new KafkaProducer<>(KafkaClients.durableProducer(bootstrapServers, clientId,
                Duration.ofSeconds(10), Duration.ofSeconds(30)), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Fetches the metadata of every topic written, so the first send of each does not block the caller (the
     * scheduler thread) while the producer looks the topic up.
     */
    public void warmUp() {
        for (Topic<String, ?> t : List.of(topics.endpointHealth(), topics.events(), topics.deviceSessions())) {
            producer.partitionsFor(t.name());
        }
    }

    /** @param health null deletes the endpoint's record (tombstone) */
    public void health(String endpointId, EndpointHealth health) {
        send(topics.endpointHealth(), endpointId, health);
    }

    public void event(String key, Envelope event) {
        send(topics.events(), key, event);
    }

    public void session(String deviceId, DeviceSession session) {
        send(topics.deviceSessions(), deviceId, session);
    }

    /** Waits until everything sent so far is acknowledged (before a command's offset is committed). */
    public void flush() {
        producer.flush();
    }

    private <V> void send(Topic<String, V> t, String key, V value) {
        producer.send(new ProducerRecord<>(t.name(), t.keySerde().serializer().serialize(t.name(), key),
                value == null ? null : t.valueSerde().serializer().serialize(t.name(), value)), (md, ex) -> {
            if (ex != null) {
                log.warn("could not publish to {} (key {}): {}", t.name(), key, ex.toString());
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
