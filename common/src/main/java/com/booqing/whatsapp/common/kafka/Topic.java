package com.booqing.whatsapp.common.kafka;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One topic, declared once: its name, serdes and the settings the bootstrap creates it with.
 *
 * @param retention how long records are kept; for compacted topics, how long tombstones are kept
 */
public record Topic<K, V>(
        String name,
        Serde<K> keySerde,
        Serde<V> valueSerde,
        int partitions,
        Cleanup cleanup,
        Duration retention) {

    public enum Cleanup { DELETE, COMPACT }

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive");
        }
    }

    public boolean compacted() {
        return cleanup == Cleanup.COMPACT;
    }

    public Map<String, String> configs() {
        Map<String, String> c = new HashMap<>();
        if (compacted()) {
            c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            c.put(TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
            c.put(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0");
        } else {
            c.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            c.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
        }
        return c;
    }

    public NewTopic newTopic(short replicationFactor) {
        return new NewTopic(name, partitions, replicationFactor).configs(configs());
    }

    @Override
    public String toString() {
        return name;
    }
}
