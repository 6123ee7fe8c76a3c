package com.booqing.whatsapp.reliability.attack;

import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the gateway stored, for "nothing partial is stored": the end offsets of the topics a request can write
 * (raw webhooks, management, send and device commands), what the processor made of each accepted webhook (events
 * and dead letters by the ingress's request id), and Redis keys.
 *
 * <p>The ingress publishes only on its accepting path, before it answers; so end offsets read right after a
 * refusal show exactly whether the refused request wrote anything.
 */
final class Evidence implements AutoCloseable {
    /** What the processor emitted for one raw webhook: an event of a type, or a dead letter. */
    record Outcome(String topic, String eventType) {
    }

    private final Topics topics;
    private final RedisKeys keys;
    private final JedisPooled redis;
    private final KafkaConsumer<byte[], byte[]> offsets;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final Map<String, List<Outcome>> byRequest = new ConcurrentHashMap<>();
    private final Thread readerThread;
    private volatile boolean running = true;
    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private final Map<String, Integer> readErrors = new ConcurrentHashMap<>();
    /** The partitions of the topics a request can write, looked up once. */
    private final List<TopicPartition> written = new ArrayList<>();

    /** Records read so far, by topic, and any errors of the reader (for failure messages). */
    String seen() {
        return readErrors.isEmpty() ? seen.toString() : seen + ", reader errors " + readErrors;
    }

    Evidence(String bootstrap, Topics topics, RedisKeys keys, JedisPooled redis) {
        this.topics = topics;
        this.keys = keys;
        this.redis = redis;
        this.offsets = consumer(bootstrap, "read_uncommitted");
        this.reader = consumer(bootstrap, "read_committed");
        List<TopicPartition> watched = new ArrayList<>();
        watched.addAll(partitions(reader, topics.events().name()));
        watched.addAll(partitions(reader, topics.webhooksDeadLetter().name()));
        reader.assign(watched);
        reader.seekToBeginning(watched);
        readerThread = new Thread(this::read, "attack-evidence");
        readerThread.setDaemon(true);
        readerThread.start();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo info : c.partitionsFor(topic, Duration.ofSeconds(30))) {
            out.add(new TopicPartition(topic, info.partition()));
        }
        return out;
    }

    private void read() {
        while (running) {
            try {
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(100))) {
                    seen.merge(r.topic(), 1, Integer::sum);
                    String requestId = header(r, "wa.request-id");
                    if (requestId == null) {
                        continue;
                    }
                    String type = r.topic().equals(topics.events().name()) ? header(r, "wa.event-type") : null;
                    byRequest.computeIfAbsent(requestId, k -> new CopyOnWriteArrayList<>())
                            .add(new Outcome(r.topic(), type));
                }
            } catch (WakeupException stopping) {
                return;
            } catch (RuntimeException e) {
                // A reader that died would make every later row wait in vain for outcomes: keep reading, and
                // let the failure messages say what happened.
                readErrors.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                AttackGateway.sleep(100); // a back-off, not a wait: a broken consumer must not spin
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Everything the processor emitted so far for the request ids. */
    List<Outcome> outcomes(String... requestIds) {
        List<Outcome> out = new ArrayList<>();
        for (String id : requestIds) {
            out.addAll(byRequest.getOrDefault(id, List.of()));
        }
        return out;
    }

    boolean deadLettered(String requestId) {
        return outcomes(requestId).stream().anyMatch(o -> o.topic().equals(topics.webhooksDeadLetter().name()));
    }

    /**
     * The sum of end offsets of each topic a request can write: a refusal leaves every one unchanged. One
     * ListOffsets round trip for all of them (it runs twice per row).
     */
    synchronized Map<String, Long> writes() {
        if (written.isEmpty()) {
            for (Topic<?, ?> t : List.of(topics.webhooksRaw(), topics.managementCommands(), topics.sendCommands(),
                    topics.deviceCommands(), topics.apiKeys())) {
                written.addAll(partitions(offsets, t.name()));
            }
        }
        Map<String, Long> sums = new TreeMap<>();
        offsets.endOffsets(written, Duration.ofSeconds(30))
                .forEach((tp, end) -> sums.merge(tp.topic(), end, Long::sum));
        return sums;
    }

    long rawWebhooks() {
        return writes().get(topics.webhooksRaw().name());
    }

    /** Every Redis key of the suite's namespace that contains {@code fragment}. */
    TreeSet<String> redisKeysContaining(String fragment) {
        TreeSet<String> found = new TreeSet<>();
        ScanParams match = new ScanParams().match(keys.namespace() + ":*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            for (String k : page.getResult()) {
                if (k.contains(fragment)) {
                    found.add(k);
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return found;
    }

    /** A tenant's management state in Redis: its configuration, its endpoints and devices with their values. */
    Map<String, Object> tenantState(String tenantId) {
        Map<String, Object> state = new TreeMap<>();
        state.put("config", value(keys.config(tenantId)));
        state.put("endpoints", new TreeSet<>(safeMembers(keys.tenantEndpoints(tenantId))));
        for (String id : safeMembers(keys.tenantEndpoints(tenantId))) {
            state.put("endpoint " + id, value(keys.endpoint(id)));
        }
        state.put("devices", new TreeSet<>(safeMembers(keys.tenantDevices(tenantId))));
        return state;
    }

    private List<String> safeMembers(String key) {
        String type = redis.type(key);
        return switch (type) {
            case "set" -> new ArrayList<>(redis.smembers(key));
            case "zset" -> new ArrayList<>(redis.zrange(key, 0, -1));
            case "hash" -> new ArrayList<>(redis.hkeys(key));
            default -> List.of();
        };
    }

    private Object value(String key) {
        return switch (redis.type(key)) {
            case "hash" -> new TreeMap<>(redis.hgetAll(key));
            case "string" -> redis.get(key);
            default -> null;
        };
    }

    @Override
    public void close() {
        running = false;
        reader.wakeup();
        try {
            readerThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close(Duration.ofSeconds(2));
        offsets.close(Duration.ofSeconds(2));
    }
}
