package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.ingress.apikey.ApiKeyDirectory;
import com.booqing.whatsapp.ingress.apikey.CompactedApiKeyDirectory;
import com.booqing.whatsapp.ingress.endpoint.CompactedEndpointDirectory;
import com.booqing.whatsapp.ingress.endpoint.EndpointDirectory;
import com.booqing.whatsapp.ingress.live.KafkaLiveFeed;
import com.booqing.whatsapp.ingress.live.LiveFeed;
import com.booqing.whatsapp.ingress.management.CommandOutcomes;
import com.booqing.whatsapp.ingress.management.KafkaCommandOutcomes;
import com.booqing.whatsapp.ingress.management.ManagementStore;
import com.booqing.whatsapp.ingress.management.RedisManagementStore;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import redis.clients.jedis.JedisPooled;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Everything the ingress talks to. Production builds them from configuration; tests pass fakes (a MockProducer,
 * an in-memory endpoint directory). The {@link Ingress} owns them from then on and closes them.
 *
 * @param apiKeys  tenant API keys (hashes), for authentication
 * @param outcomes the processor's answers to management commands
 * @param store    what the management API reads (the processor's projections in Redis)
 * @param liveFeed the health, devices and events topics, read for the live stream
 * @param clock    wall-clock time: receivedAt stamps, JWT expiry
 * @param nanoTime monotonic time for the webhook rate limit ({@code System::nanoTime} in production)
 */
public record IngressDependencies(
        Topics topics,
        Producer<byte[], byte[]> producer,
        JedisPooled redis,
        RedisKeys redisKeys,
        SecretBox secrets,
        EndpointDirectory endpoints,
        ApiKeyDirectory apiKeys,
        CommandOutcomes outcomes,
        ManagementStore store,
        LiveFeed liveFeed,
        PrometheusMeterRegistry metrics,
        Clock clock,
        LongSupplier nanoTime) {

    /** send() may block this long for metadata when the broker is away; the request then answers 503. */
    public static final Duration PRODUCER_MAX_BLOCK = Duration.ofSeconds(2);
    /** How long the producer keeps retrying a record after the request may already have answered 503. */
    public static final Duration PRODUCER_DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    public static final int REDIS_CONNECTIONS = 16;

    public IngressDependencies {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(redisKeys, "redisKeys");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(outcomes, "outcomes");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(liveFeed, "liveFeed");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(nanoTime, "nanoTime");
    }

    public static IngressDependencies production(GatewayConfig gateway, SecretBox secrets) {
        Topics topics = Topics.withPrefix(gateway.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        String instance = UUID.randomUUID().toString().substring(0, 8);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        JedisPooled redis = RedisClients.pooled(gateway.redisUrl(), REDIS_CONNECTIONS);
        RedisKeys keys = new RedisKeys(gateway.redisNamespace());
        String bootstrap = gateway.kafkaBootstrapServers();
        return new IngressDependencies(
                topics,
                new KafkaProducer<>(KafkaClients.durableProducer(bootstrap,
                        "ingress-" + instance, PRODUCER_MAX_BLOCK, PRODUCER_DELIVERY_TIMEOUT)),
                redis,
                keys,
                secrets,
                new CompactedEndpointDirectory(new CompactedTopicView<Endpoint>(bootstrap,
                        topics.endpoints(), "ingress-endpoints-" + instance, (id, endpoint) -> { })),
                new CompactedApiKeyDirectory(new CompactedTopicView<ApiKey>(bootstrap,
                        topics.apiKeys(), "ingress-apikeys-" + instance, (id, key) -> { })),
                new KafkaCommandOutcomes(bootstrap, topics.managementOutcomes(), "ingress-outcomes-" + instance),
                new RedisManagementStore(redis, keys, Json.lenient()),
                new KafkaLiveFeed(bootstrap, topics, "ingress-live-" + instance),
                metrics,
                Clock.systemUTC(),
                System::nanoTime);
    }
}
