package com.booqing.whatsapp.testkit;

import com.booqing.whatsapp.common.kafka.TopicBootstrap;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.devstack.RedisServer;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The Kafka broker and Redis of one test JVM, shared by every test class in it (see {@link KafkaAndRedis}).
 * Tests keep apart by names, not by servers: each takes its own topics ({@link #newTopics()}), Redis key
 * namespace ({@link #newRedisKeys()}) and ids ({@link #uniqueId(String)}).
 */
public final class Infra implements AutoCloseable {
    /** Only namespaces that look like a test's are ever deleted, so a slip cannot empty real data. */
    private static final Pattern TEST_NAMESPACE = Pattern.compile("wa-[A-Za-z0-9_-]+");
    private static final HexFormat HEX = HexFormat.of();

    private final TestBroker broker;
    private final RedisServer redis;
    private final JedisPooled jedis;
    private final SecureRandom random = new SecureRandom();
    private final Set<String> namespaces = ConcurrentHashMap.newKeySet();

    Infra(TestBroker broker, RedisServer redis) {
        this.broker = broker;
        this.redis = redis;
        this.jedis = RedisClients.pooled(redis.uri(), 16);
    }

    /** Starts the broker chosen by {@code brokers} and resolves Redis from REDIS_URL; prints one line about both. */
    public static Infra start(BrokerFixture brokers) {
        RedisServer redis = RedisServer.resolve();
        TestBroker broker;
        try {
            broker = brokers.start();
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        Infra infra = new Infra(broker, redis);
        System.out.println("testkit: " + infra.describe());
        return infra;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String redisUrl() {
        return redis.url();
    }

    public URI redisUri() {
        return redis.uri();
    }

    public TestBroker.Kind brokerKind() {
        return broker.kind();
    }

    /** Which broker and which Redis are in use, on one line. */
    public String describe() {
        return broker.describe() + "; " + redis.describe();
    }

    /** A client of the shared Redis for assertions and clean-up; do not close it. */
    public JedisPooled redis() {
        return jedis;
    }

    /** A fresh topic catalogue ("it-<random>-whatsapp.…", 3 partitions, compacted ones at most 3), created. */
    public Topics newTopics() {
        return newTopics(3);
    }

    public Topics newTopics(int partitions) {
        Topics topics = Topics.withPrefix("it-" + random(8) + "-", partitions);
        TopicBootstrap.ensure(bootstrapServers(), topics);
        return topics;
    }

    /** A fresh key namespace "wa-it-<random>"; its keys are deleted when the test JVM's Infra closes. */
    public RedisKeys newRedisKeys() {
        RedisKeys keys = new RedisKeys("wa-it-" + random(8));
        namespaces.add(keys.namespace());
        return keys;
    }

    /** {@code prefix_<10 hex>}: a valid tenant id, and a valid generated id for two-to-four-letter prefixes. */
    public String uniqueId(String prefix) {
        return prefix + "_" + random(10);
    }

    /** Deletes every key of the namespace (SCAN MATCH ns:* and DEL; never a flush). @return keys deleted */
    public long deleteKeys(RedisKeys keys) {
        return deleteKeys(keys.namespace());
    }

    public long deleteKeys(String namespace) {
        if (!TEST_NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("refusing to delete keys of namespace '" + namespace
                    + "': only test namespaces (wa-...) are deleted");
        }
        long deleted = 0;
        ScanParams match = new ScanParams().match(namespace + ":*").count(500);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, match);
            List<String> found = page.getResult();
            if (!found.isEmpty()) {
                deleted += jedis.del(found.toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return deleted;
    }

    @Override
    public void close() {
        try {
            if (!redis.started()) {
                for (String ns : namespaces) {
                    try {
                        deleteKeys(ns);
                    } catch (RuntimeException ignored) {
                        // a Redis that went away has nothing left to clean
                    }
                }
            }
            jedis.close();
        } finally {
            try {
                broker.close();
            } finally {
                redis.close();
            }
        }
    }

    private String random(int hexChars) {
        byte[] b = new byte[(hexChars + 1) / 2];
        random.nextBytes(b);
        return HEX.formatHex(b).substring(0, hexChars);
    }
}
