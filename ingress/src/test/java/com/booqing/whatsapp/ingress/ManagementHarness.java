package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.ingress.management.ManagementConfig;
import com.booqing.whatsapp.ingress.management.OutcomeRegistry;
import com.booqing.whatsapp.testkit.Infra;
import io.javalin.testtools.JavalinTest;
import org.apache.kafka.clients.producer.ProducerRecord;
import redis.clients.jedis.JedisPooled;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The ingress as production wires it, except for Kafka: a MockProducer whose records a {@link FakeProcessor}
 * applies, writing Redis (the real one, in a namespace of the test's own) and completing outcomes.
 */
final class ManagementHarness implements AutoCloseable {
    static final Duration SHORT = Duration.ofMillis(400);

    final Infra infra;
    final RedisKeys keys;
    final JedisPooled redis;
    final SecretBox box = TestEndpoints.newSecretBox();
    final Topics topics = Topics.withPrefix("mgmt.", 3);
    final OutcomeRegistry outcomes = new OutcomeRegistry();
    final InMemoryApiKeyDirectory apiKeys = new InMemoryApiKeyDirectory();
    final TickingClock clock = new TickingClock(TestIngress.NOW);
    final FakeProcessor processor;
    final Ingress ingress;
    /** Every response body the test saw. */
    final List<String> bodies = new CopyOnWriteArrayList<>();

    ManagementHarness(Infra infra) {
        this(infra, TestIngress.management(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(3), 5));
    }

    ManagementHarness(Infra infra, ManagementConfig management) {
        this.infra = infra;
        this.keys = infra.newRedisKeys();
        this.redis = RedisClients.pooled(infra.redisUri(), 8);
        this.processor = new FakeProcessor(infra.redis(), keys, box, management.gateway(), outcomes, apiKeys, clock,
                topics);
        this.ingress = TestIngress.create(TestIngress.config(management), processor.producer(),
                new InMemoryEndpointDirectory(), box, topics, redis, keys, apiKeys, outcomes, clock);
    }

    private Api started;

    /** Starts the ingress on a port of its own, for test classes that share one across their tests. */
    synchronized Api start() {
        if (started == null) {
            ingress.start();
            io.javalin.testtools.HttpClient client = new io.javalin.testtools.HttpClient(ingress.javalin(),
                    AuditedHttpClient.create());
            client.setOrigin("http://127.0.0.1:" + ingress.port());
            started = new Api(client, bodies);
        }
        return started;
    }

    void run(Consumer<Api> test) {
        JavalinTest.test(ingress.javalin(), (server, client) -> test.accept(new Api(client, bodies)));
    }

    /** Management commands the ingress published, in order. */
    List<ProducerRecord<byte[], byte[]>> published(String topic) {
        return processor.producer().history().stream().filter(r -> r.topic().equals(topic)).toList();
    }

    static String key(ProducerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        ingress.close();
        processor.close();
        infra.deleteKeys(keys);
    }
}
