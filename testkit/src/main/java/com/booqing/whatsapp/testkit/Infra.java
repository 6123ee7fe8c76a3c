package com.booqing.whatsapp.testkit;

import com.booqing.whatsapp.common.kafka.TopicBootstrap;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.devstack.RedisServer;
import com.booqing.whatsapp.testkit.canary.CanaryAudit;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
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
    /** The JVM's secret audit (issue 9), or null when it is off: searched before the broker stops. */
    private final CanaryAudit audit;

    Infra(TestBroker broker, RedisServer redis, CanaryAudit audit) {
        this.broker = broker;
        this.redis = redis;
        this.jedis = RedisClients.pooled(redis.uri(), 16);
        this.audit = audit;
    }

    Infra(TestBroker broker, RedisServer redis) {
        this(broker, redis, null);
    }

    /** Starts the broker chosen by {@code brokers} and resolves Redis from REDIS_URL; prints one line about both. */
    public static Infra start(BrokerFixture brokers) {
        return start(brokers, null);
    }

    /**
     * As {@link #start(BrokerFixture)}, and {@code audit} (see {@link CanaryAudit}) searches the JVM's topics,
     * Redis keys and output for secret canaries when this Infra closes; a hit makes {@link #close()} throw.
     */
    public static Infra start(BrokerFixture brokers, CanaryAudit audit) {
        RedisServer redis = RedisServer.resolve();
        TestBroker broker;
        try {
            broker = brokers.start();
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        Infra infra = new Infra(broker, redis, audit);
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
        if (audit != null) {
            // A test's keys often go in its finally block: read them for the secret search first.
            audit.dumpNamespace(jedis, namespace);
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

    /**
     * Runs the JVM's secret audit (if on), then deletes the test namespaces and stops the broker and Redis.
     *
     * @throws AssertionError when the audit found a secret canary, after everything is stopped
     */
    @Override
    public void close() {
        AssertionError leak = null;
        if (audit != null) {
            List<java.nio.file.Path> brokerLog = new ArrayList<>();
            brokerLog.add(broker.logFile());
            try {
                audit.finish(bootstrapServers(), jedis, namespaces, brokerLog);
            } catch (AssertionError e) {
                leak = e;
            } catch (RuntimeException e) {
                leak = new AssertionError("the secret canary audit could not run: " + e, e);
            }
        }
        stop();
        if (leak != null) {
            throw leak;
        }
    }

    private void stop() {
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
