package com.booqing.whatsapp.reliability.inbound;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Writes deliveries to the raw webhooks topic the way the ingress does after verifying them (and the way
 * {@code whatsapp-ops replay} does): body bytes as the value, metadata in {@code wa.*} headers, idempotent and
 * acks=all. A repeat gets a request id of its own, like a second HTTP delivery of the same body.
 */
final class RawReplay implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private int sequence;

    RawReplay(String bootstrap, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends them in order and waits for every acknowledgement. */
    void send(List<InboundLoad.Delivery> deliveries) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(deliveries.size());
        for (InboundLoad.Delivery d : deliveries) {
            String requestId = "req_replay" + (sequence++);
            acks.add(producer.send(d.raw(requestId, Instant.now()).toRecord(topic)));
        }
        for (Future<RecordMetadata> f : acks) {
            try {
                f.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("the raw topic did not acknowledge a replayed webhook: " + e, e);
            }
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
