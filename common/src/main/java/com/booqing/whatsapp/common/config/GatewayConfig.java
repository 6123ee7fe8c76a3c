package com.booqing.whatsapp.common.config;

import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Settings every service shares, read once from the environment at start-up. Names and defaults of the
 * {@code WHATSAPP_*} variables are the brief's; the rest are documented in the README.
 *
 * @param defaultTimeout         WHATSAPP_DEFAULT_TIMEOUT, milliseconds, timeout of a provider call
 * @param defaultRetries         WHATSAPP_DEFAULT_RETRIES, retries of a transient failure
 * @param healthCheckInterval    WHATSAPP_HEALTH_CHECK_INTERVAL, seconds
 * @param reconnectInterval      WHATSAPP_RECONNECT_INTERVAL, seconds, first reconnect delay
 * @param maxReconnectAttempts   WHATSAPP_MAX_RECONNECT_ATTEMPTS
 * @param webhookBaseUrl         WHATSAPP_WEBHOOK_BASE_URL, public base of the ingress, used to derive webhook URLs
 * @param kafkaBootstrapServers  KAFKA_BOOTSTRAP_SERVERS
 * @param redisUrl               REDIS_URL
 * @param topicPrefix            WHATSAPP_TOPIC_PREFIX, prepended to every topic name (tests and shared clusters)
 * @param redisNamespace         WHATSAPP_REDIS_NAMESPACE, first segment of every Redis key ("whatsapp")
 * @param messageTtl             WHATSAPP_MESSAGE_TTL, seconds that conversation and message data live in Redis
 * @param allowPrivateEndpoints  WHATSAPP_ALLOW_PRIVATE_ENDPOINTS, lets endpoint URLs point at private addresses
 */
public record GatewayConfig(
        Duration defaultTimeout,
        int defaultRetries,
        Duration healthCheckInterval,
        Duration reconnectInterval,
        int maxReconnectAttempts,
        URI webhookBaseUrl,
        String kafkaBootstrapServers,
        URI redisUrl,
        String topicPrefix,
        String redisNamespace,
        Duration messageTtl,
        boolean allowPrivateEndpoints) {

    public static GatewayConfig from(Env env) {
        return new GatewayConfig(
                env.duration("WHATSAPP_DEFAULT_TIMEOUT", Duration.ofMillis(30_000), ChronoUnit.MILLIS, 100, 600_000),
                env.integer("WHATSAPP_DEFAULT_RETRIES", 3, 0, 20),
                env.duration("WHATSAPP_HEALTH_CHECK_INTERVAL", Duration.ofSeconds(60), ChronoUnit.SECONDS, 1, 86_400),
                env.duration("WHATSAPP_RECONNECT_INTERVAL", Duration.ofSeconds(30), ChronoUnit.SECONDS, 1, 86_400),
                env.integer("WHATSAPP_MAX_RECONNECT_ATTEMPTS", 5, 0, 1000),
                env.uri("WHATSAPP_WEBHOOK_BASE_URL", "http://localhost:8080", "http", "https"),
                env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                env.uri("REDIS_URL", "redis://127.0.0.1:6379", "redis", "rediss"),
                validTopicPrefix(env.string("WHATSAPP_TOPIC_PREFIX", "")),
                validNamespace(env.string("WHATSAPP_REDIS_NAMESPACE", "whatsapp")),
                env.duration("WHATSAPP_MESSAGE_TTL", Duration.ofDays(30), ChronoUnit.SECONDS, 60, 3_650L * 86_400),
                env.bool("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", false));
    }

    private static String validTopicPrefix(String prefix) {
        if (!prefix.matches("[A-Za-z0-9._-]*")) {
            throw new ConfigException("WHATSAPP_TOPIC_PREFIX", "may only contain letters, digits, '.', '_' and '-'");
        }
        return prefix;
    }

    private static String validNamespace(String ns) {
        if (!ns.matches("[A-Za-z0-9_-]+")) {
            throw new ConfigException("WHATSAPP_REDIS_NAMESPACE", "may only contain letters, digits, '_' and '-'");
        }
        return ns;
    }

    /** The webhook URL an operator pastes into the provider for one endpoint. */
    public String webhookUrl(String tenantId, String endpointId) {
        String base = webhookBaseUrl.toString().replaceAll("/+$", "");
        return base + "/api/whatsapp/webhook/" + tenantId + "/" + endpointId;
    }
}
