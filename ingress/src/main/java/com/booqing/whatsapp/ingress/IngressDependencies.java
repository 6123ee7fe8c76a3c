package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.ingress.endpoint.CompactedEndpointDirectory;
import com.booqing.whatsapp.ingress.endpoint.EndpointDirectory;
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
        return new IngressDependencies(
                topics,
                new KafkaProducer<>(KafkaClients.durableProducer(gateway.kafkaBootstrapServers(),
                        "ingress-" + instance, PRODUCER_MAX_BLOCK, PRODUCER_DELIVERY_TIMEOUT)),
                RedisClients.pooled(gateway.redisUrl(), REDIS_CONNECTIONS),
                new RedisKeys(gateway.redisNamespace()),
                secrets,
                new CompactedEndpointDirectory(new CompactedTopicView<Endpoint>(gateway.kafkaBootstrapServers(),
                        topics.endpoints(), "ingress-endpoints-" + instance, (id, endpoint) -> { })),
                metrics,
                Clock.systemUTC(),
                System::nanoTime);
    }
}
