package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Everything the monitor writes: endpoint health, events (device, failover) and sealed device sessions. */
public final class Publisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;

    /**
     * How long a record may wait for others to share its batch. With 100,000 endpoints the monitor publishes hundreds
     * of health records a second (thousands in its first interval); at the shared 1 ms each went in a batch of its
     * own, and every batch allocates a 64 KiB LZ4 block: the largest single source of the monitor's garbage (JFR:
     * a fifth of all it allocated). 20 ms puts them in batches of tens; nothing the monitor publishes needs it sooner, and the device manager
     * flushes before committing a command anyway.
     */
    static final int LINGER_MS = 20;

    public Publisher(String bootstrapServers, Topics topics, String clientId) {
        this.topics = topics;
        // The delivery timeout must cover the linger on top of the request timeout.
        Map<String, Object> config = KafkaClients.durableProducer(bootstrapServers, clientId, Duration.ofSeconds(10),
                Duration.ofSeconds(30).plusMillis(LINGER_MS));
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
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
