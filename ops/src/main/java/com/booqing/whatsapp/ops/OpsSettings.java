package com.booqing.whatsapp.ops;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;

import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What the tool reads from the environment: the services' own variables (so it finds the same broker, topics, Redis
 * namespace and consumer groups as they do) plus a few of its own ({@code OPS_*}).
 *
 * @param ingressUrl       OPS_INGRESS_URL, default WHATSAPP_WEBHOOK_BASE_URL: where {@code test} posts webhooks and sends
 * @param adminKey         WHATSAPP_ADMIN_API_KEY, the ingress's admin key; only {@code test} needs it
 * @param simulatorUrl     OPS_SIMULATOR_URL: the simulator's admin API, when {@code test} runs against the simulator
 * @param processorGroup   PROCESSOR_APPLICATION_ID, default {@code <prefix>whatsapp-processor}: who reads raw webhooks
 * @param senderGroup      SENDER_GROUP_ID, default {@code <prefix>whatsapp-sender}: who reads send commands
 * @param maxRecords       OPS_MAX_RECORDS (default 100,000): a replay or redrive over more records needs --force
 * @param progressInterval OPS_PROGRESS_INTERVAL_MS (default 2000): how often long work prints its progress
 */
public record OpsSettings(
        Env env,
        GatewayConfig gateway,
        Topics topics,
        RedisKeys keys,
        URI ingressUrl,
        Optional<String> adminKey,
        Optional<URI> simulatorUrl,
        String processorGroup,
        String senderGroup,
        long maxRecords,
        Duration progressInterval) {

    public static OpsSettings from(Env env) {
        GatewayConfig gateway = GatewayConfig.from(env);
        String prefix = gateway.topicPrefix();
        URI ingress = env.uri("OPS_INGRESS_URL", gateway.webhookBaseUrl().toString(), "http", "https");
        Optional<URI> simulator = Optional.ofNullable(env.string("OPS_SIMULATOR_URL", null))
                .map(s -> env.uri("OPS_SIMULATOR_URL", s, "http", "https"));
        return new OpsSettings(env, gateway,
                Topics.withPrefix(prefix, Topics.DEFAULT_PARTITIONS),
                new RedisKeys(gateway.redisNamespace()),
                ingress,
                Optional.ofNullable(env.string("WHATSAPP_ADMIN_API_KEY", null)),
                simulator,
                env.string("PROCESSOR_APPLICATION_ID", prefix + "whatsapp-processor"),
                env.string("SENDER_GROUP_ID", prefix + "whatsapp-sender"),
                env.integer("OPS_MAX_RECORDS", 100_000, 1, Integer.MAX_VALUE),
                env.duration("OPS_PROGRESS_INTERVAL_MS", Duration.ofSeconds(2), ChronoUnit.MILLIS, 10, 600_000));
    }

    /** The key ring, for the one command that must open an endpoint's webhook secret. */
    public SecretBox secrets() {
        return SecretBox.fromEnv(env);
    }

    public String bootstrapServers() {
        return gateway.kafkaBootstrapServers();
    }

    /** The ingress URL without a trailing slash, to append paths to. */
    public String ingressBase() {
        return ingressUrl.toString().replaceAll("/+$", "");
    }
}
