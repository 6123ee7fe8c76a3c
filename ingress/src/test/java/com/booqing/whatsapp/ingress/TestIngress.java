package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.ingress.apikey.ApiKeyDirectory;
import com.booqing.whatsapp.ingress.live.LiveFeed;
import com.booqing.whatsapp.ingress.live.StreamConfig;
import com.booqing.whatsapp.ingress.management.CommandOutcomes;
import com.booqing.whatsapp.ingress.management.ManagementConfig;
import com.booqing.whatsapp.ingress.management.OutcomeRegistry;
import com.booqing.whatsapp.ingress.management.RedisManagementStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import redis.clients.jedis.JedisPooled;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** An ingress wired with a MockProducer and in-memory directories. */
final class TestIngress {
    static final String ADMIN_KEY = Canaries.text("ingress admin API key");
    static final int MAX_BODY_BYTES = 64 * 1024;
    static final Duration ACK_TIMEOUT = Duration.ofMillis(300);
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final String WEBHOOK_BASE_URL = "https://gateway.example.com";

    private TestIngress() {
    }

    static IngressConfig config() {
        return config(management(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2), 10));
    }

    static IngressConfig config(ManagementConfig management) {
        return new IngressConfig("127.0.0.1", 0, ADMIN_KEY, MAX_BODY_BYTES, ACK_TIMEOUT,
                IngressConfig.DEFAULT_WEBHOOK_RATE_PER_SECOND, IngressConfig.DEFAULT_MAX_HEADER_BYTES,
                IngressConfig.DEFAULT_IDLE_TIMEOUT, IngressConfig.DEFAULT_HEADER_TIMEOUT,
                IngressConfig.DEFAULT_MAX_CONNECTIONS, management,
                StreamConfig.defaults());
    }

    static ManagementConfig management(Duration commandWait, Duration projectionWait, Duration connectWait,
                                       int authFailureLimit) {
        GatewayConfig gateway = GatewayConfig.from(new Env(Map.of("WHATSAPP_WEBHOOK_BASE_URL", WEBHOOK_BASE_URL)));
        return new ManagementConfig(gateway, commandWait, projectionWait, connectWait, authFailureLimit,
                Duration.ofMinutes(1));
    }

    static Ingress create(MockProducer<byte[], byte[]> producer, InMemoryEndpointDirectory directory, SecretBox box,
                          Topics topics, JedisPooled redis, RedisKeys keys) {
        return create(config(), producer, directory, box, topics, redis, keys);
    }

    /**
     * Wall clock fixed at {@link #NOW}; monotonic time frozen too, so a rate-limit bucket never refills during a
     * test and its burst is exactly what passes.
     */
    static Ingress create(IngressConfig config, MockProducer<byte[], byte[]> producer,
                          InMemoryEndpointDirectory directory, SecretBox box, Topics topics, JedisPooled redis,
                          RedisKeys keys) {
        return create(config, producer, directory, box, topics, redis, keys, new InMemoryApiKeyDirectory(),
                new OutcomeRegistry(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static Ingress create(IngressConfig config, MockProducer<byte[], byte[]> producer,
                          InMemoryEndpointDirectory directory, SecretBox box, Topics topics, JedisPooled redis,
                          RedisKeys keys, ApiKeyDirectory apiKeys, CommandOutcomes outcomes, Clock clock) {
        return create(config, producer, directory, box, topics, redis, keys, apiKeys, outcomes, clock,
                new InMemoryLiveFeed());
    }

    static Ingress create(IngressConfig config, MockProducer<byte[], byte[]> producer,
                          InMemoryEndpointDirectory directory, SecretBox box, Topics topics, JedisPooled redis,
                          RedisKeys keys, ApiKeyDirectory apiKeys, CommandOutcomes outcomes, Clock clock,
                          LiveFeed liveFeed) {
        return new Ingress(config, new IngressDependencies(topics, producer, redis, keys, box, directory, apiKeys,
                outcomes, new RedisManagementStore(redis, keys, Json.lenient()), liveFeed,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), clock, () -> 0L));
    }

    /** Never used by the routes these tests call; connecting is lazy, so no Redis is needed. */
    static JedisPooled unusedRedis() {
        return new JedisPooled(URI.create("redis://127.0.0.1:6379"));
    }

    /** autoComplete false: sends are recorded but never acknowledged, as when the broker is away. */
    static MockProducer<byte[], byte[]> producer(boolean acknowledges) {
        return new MockProducer<>(acknowledges, null, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
