package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.devstack.RedisServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** What both benchmark stacks need to seed a tenant and to clean up after themselves. */
final class StackParts {
    /** A run only ever deletes keys under a namespace of this shape: its own. */
    static final Pattern OWN_NAMESPACE = Pattern.compile("wa-bench-[0-9a-f]+");

    private StackParts() {
    }

    /** Writes one record and waits for the broker's acknowledgement. */
    static <V> void seed(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String key, V value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                    topic.valueSerde().serializer().serialize(topic.name(), value))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot seed " + topic.name(), e);
        }
    }

    /** Deletes this run's keys (only its own namespace, by SCAN; never a flush). @return keys deleted */
    static long deleteOwnKeys(RedisServer redis, RedisKeys keys) {
        if (!OWN_NAMESPACE.matcher(keys.namespace()).matches()) {
            throw new IllegalStateException("refusing to delete keys outside a bench namespace");
        }
        long deleted = 0;
        try (Jedis jedis = new Jedis(redis.uri())) {
            ScanParams match = new ScanParams().match(keys.namespace() + ":*").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            do {
                ScanResult<String> page = jedis.scan(cursor, match);
                List<String> found = page.getResult();
                if (!found.isEmpty()) {
                    deleted += jedis.del(found.toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && System.nanoTime() < deadline);
        }
        return deleted;
    }

    static void quietly(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("bench: closing the " + what + " failed: " + e);
        }
    }

    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
