package com.booqing.whatsapp.sender.testing;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Produces and reads records of the catalogue's topics in integration tests. */
public final class TopicIO implements AutoCloseable {
    private final String bootstrap;
    private final KafkaProducer<byte[], byte[]> producer;

    public TopicIO(String bootstrap) {
        this.bootstrap = bootstrap;
        this.producer = new KafkaProducer<>(KafkaClients.durableProducer(bootstrap, "it-producer",
                Duration.ofSeconds(20), Duration.ofSeconds(30)), new ByteArraySerializer(), new ByteArraySerializer());
    }

    public <K, V> void send(Topic<K, V> topic, K key, V value) throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value))).get();
    }

    public void sendRaw(String topic, byte[] key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    /** Reads the topic from the beginning until a record matches or the timeout passes. */
    public Optional<ConsumerRecord<byte[], byte[]>> await(String topic, Predicate<ConsumerRecord<byte[], byte[]>> match,
                                                          Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                KafkaClients.committedReader(bootstrap, null, "it-reader"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (match.test(r)) {
                        return Optional.of(r);
                    }
                }
            }
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
