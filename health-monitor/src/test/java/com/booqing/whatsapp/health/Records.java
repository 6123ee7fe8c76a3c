package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Everything published on one topic, read from the beginning by one consumer; tests poll it. */
final class Records<V> implements AutoCloseable {

    record Entry<V>(String key, V value) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final JsonSerde<V> serde;
    private final List<Entry<V>> entries = new ArrayList<>();

    @SuppressWarnings("unchecked")
    Records(String bootstrap, Topic<String, V> topic) {
        this.serde = (JsonSerde<V>) topic.valueSerde();
        consumer = new KafkaConsumer<>(KafkaClients.committedReader(bootstrap, null, "it-reader-" + topic.name()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    synchronized List<Entry<V>> poll() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                entries.add(new Entry<>(key, null));
            } else if (serde.decode(r.value()) instanceof Decoded.Ok<V> ok) {
                entries.add(new Entry<>(key, ok.value()));
            }
        }
        return List.copyOf(entries);
    }

    synchronized List<Entry<V>> all() {
        return List.copyOf(entries);
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
