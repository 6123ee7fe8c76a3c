package com.booqing.whatsapp.reliability.harness;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Tenants and Cloud API endpoints written straight to the compacted topics with sealed secrets, as devstack seeds
 * its demo tenant (an operator's registration without the management API). The services read them at start-up.
 */
public final class TenantSeed {
    private TenantSeed() {
    }

    /** A fresh {@code WHATSAPP_ENCRYPTION_KEYS} value (one key, id "rel"), a canary of the secret audit. */
    public static String newEncryptionKeys() {
        return Canaries.encryptionKeys("rel");
    }

    /**
     * A Cloud API endpoint for a tenant, the tenant's primary, with {@code appSecret} as its webhook secret.
     *
     * @param apiUrl the provider's base URL (a simulator endpoint's apiUrl, or any URL when nothing is sent)
     */
    public record CloudEndpoint(String tenantId, String endpointId, String apiUrl, String phoneNumberId,
                                String accessToken, String appSecret, String verifyToken) {
    }

    /** Writes each endpoint and its tenant's configuration (primary = that endpoint), acknowledged by the broker. */
    public static void seed(String bootstrap, Topics topics, String encryptionKeys, Iterable<CloudEndpoint> endpoints) {
        SecretBox box = SecretBox.fromEnv(new Env(Map.of(SecretBox.ENV, encryptionKeys)));
        GatewayConfig gateway = GatewayConfig.from(new Env(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap)));
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.durableProducer(
                bootstrap, "reliability-seed-" + System.nanoTime(), Duration.ofSeconds(15), Duration.ofSeconds(30)))) {
            for (CloudEndpoint e : endpoints) {
                TenantConfiguration d = TenantConfiguration.defaults(e.tenantId(), gateway, now);
                TenantConfiguration tenant = new TenantConfiguration(d.tenantId(), e.endpointId(), d.failoverEnabled(),
                        d.autoReconnect(), d.reconnectInterval(), d.healthCheckInterval(), d.webhookRetries(),
                        d.messageTimeout(), d.createdAt(), d.updatedAt());
                Endpoint endpoint = new Endpoint(e.endpointId(), e.tenantId(), "reliability " + e.endpointId(),
                        ProviderType.CLOUD_API, e.apiUrl(), "v23.0", e.phoneNumberId(), null, null,
                        box.seal(e.accessToken(), Endpoint.secretContext(e.tenantId(), e.endpointId(), "apiKey")),
                        box.seal(e.appSecret(), Endpoint.secretContext(e.tenantId(), e.endpointId(), "webhookSecret")),
                        box.seal(e.verifyToken(), Endpoint.secretContext(e.tenantId(), e.endpointId(), "verifyToken")),
                        true, true, 1, now, now);
                send(producer, topics.tenantConfig(), e.tenantId(), tenant);
                send(producer, topics.endpoints(), e.endpointId(), endpoint);
            }
            producer.flush();
        }
    }

    private static <V> void send(KafkaProducer<byte[], byte[]> producer, Topic<String, V> topic, String key, V value) {
        byte[] k = topic.keySerde().serializer().serialize(topic.name(), key);
        byte[] v = topic.valueSerde().serializer().serialize(topic.name(), value);
        try {
            producer.send(new ProducerRecord<>(topic.name(), k, v)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot write " + topic.name() + " record " + key + ": " + e, e);
        }
    }
}
