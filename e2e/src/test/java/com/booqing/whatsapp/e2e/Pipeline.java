package com.booqing.whatsapp.e2e;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.ingress.Ingress;
import com.booqing.whatsapp.ingress.IngressConfig;
import com.booqing.whatsapp.ingress.IngressDependencies;
import com.booqing.whatsapp.processor.Processor;
import com.booqing.whatsapp.processor.config.ProcessorConfig;
import com.booqing.whatsapp.sender.Sender;
import com.booqing.whatsapp.sender.provider.CloudApiAdapter;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.testkit.Infra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole gateway in one JVM, wired from environment variables the way the services' mains wire it: the
 * real broker and Redis from testkit, the simulator as the WhatsApp server, and a tenant with one Cloud API
 * endpoint seeded on the compacted topics. Topic names and the Redis namespace are unique per instance.
 */
final class Pipeline implements AutoCloseable {
    static final String PHONE_NUMBER_ID = "100000000000001";
    static final String ACCESS_TOKEN = "e2e-access-token";
    static final String APP_SECRET = "e2e-app-secret";
    static final String VERIFY_TOKEN = "e2e-verify-token";
    static final String ADMIN_KEY = "e2e-admin-key-0123456789";

    final String tenantId;
    final String endpointId;
    final String simEndpointId = "sim-primary";
    final Env env;
    final GatewayConfig gateway;
    final Topics topics;
    final RedisKeys keys;
    final SecretBox secrets;
    final Simulator simulator;
    final Processor processor;
    final Ingress ingress;
    final Sender sender;
    final SimEndpoint simEndpoint;

    Pipeline(Infra infra) {
        tenantId = infra.uniqueId("salon");
        endpointId = infra.uniqueId("ep");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String namespace = infra.newRedisKeys().namespace();
        env = new Env(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "REDIS_URL", infra.redisUrl(),
                "WHATSAPP_TOPIC_PREFIX", infra.uniqueId("e2e") + "-",
                "WHATSAPP_REDIS_NAMESPACE", namespace,
                "WHATSAPP_ENCRYPTION_KEYS", "k1:" + Base64.getEncoder().encodeToString(key),
                "WHATSAPP_ADMIN_API_KEY", ADMIN_KEY,
                "WHATSAPP_DEFAULT_TIMEOUT", "5000",
                "INGRESS_HOST", "127.0.0.1",
                "INGRESS_PORT", "0"));
        gateway = GatewayConfig.from(env);
        topics = Topics.withPrefix(gateway.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        keys = new RedisKeys(gateway.redisNamespace());
        secrets = SecretBox.fromEnv(env);

        simulator = new Simulator(SimulatorConfig.defaults()).start(0);
        processor = new Processor(ProcessorConfig.from(env), new SimpleMeterRegistry());
        processor.start(); // creates the topics
        ingress = new Ingress(IngressConfig.from(env), IngressDependencies.production(gateway, secrets));
        ingress.start();
        simEndpoint = simulator.registerCloudApi(simEndpointId, PHONE_NUMBER_ID, ACCESS_TOKEN, APP_SECRET,
                ingressUrl() + "/api/whatsapp/webhook/" + tenantId + "/" + endpointId);
        seedTenant();
        sender = new Sender(gateway, topics, secrets,
                List.of(new CloudApiAdapter(CloudApiAdapter.httpClient(Duration.ofSeconds(2)))),
                Clock.systemUTC(), new SimpleMeterRegistry());
        sender.start();
    }

    String ingressUrl() {
        return "http://127.0.0.1:" + ingress.port();
    }

    private void seedTenant() {
        Instant now = Instant.now();
        TenantConfiguration config = TenantConfiguration.defaults(tenantId, gateway, now);
        config = new TenantConfiguration(tenantId, endpointId, config.failoverEnabled(), config.autoReconnect(),
                config.reconnectInterval(), config.healthCheckInterval(), config.webhookRetries(),
                config.messageTimeout(), now, now);
        Endpoint endpoint = new Endpoint(endpointId, tenantId, "Primary (simulator)", ProviderType.CLOUD_API,
                simEndpoint.apiUrl(), "v23.0", PHONE_NUMBER_ID, null, null,
                secrets.seal(ACCESS_TOKEN, Endpoint.secretContext(tenantId, endpointId, "apiKey")),
                secrets.seal(APP_SECRET, Endpoint.secretContext(tenantId, endpointId, "webhookSecret")),
                secrets.seal(VERIFY_TOKEN, Endpoint.secretContext(tenantId, endpointId, "verifyToken")),
                true, true, 1, now, now);
        try (var producer = new KafkaProducer<>(KafkaClients.durableProducer(gateway.kafkaBootstrapServers(),
                "e2e-seed", Duration.ofSeconds(10), Duration.ofSeconds(30)), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            send(producer, topics.tenantConfig(), tenantId, config);
            send(producer, topics.endpoints(), endpointId, endpoint);
            producer.flush();
        }
    }

    private static <V> void send(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String key, V value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                    topic.valueSerde().serializer().serialize(topic.name(), value))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot seed " + topic.name(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(sender::close);
        closeQuietly(ingress::close);
        closeQuietly(processor::close);
        closeQuietly(simulator::close);
    }

    private static void closeQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("e2e: close failed: " + e);
        }
    }
}
