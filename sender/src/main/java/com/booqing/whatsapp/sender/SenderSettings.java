package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.GroupMembership;
import com.booqing.whatsapp.sender.endpoint.EndpointGuards;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The sender's own settings, read once at start-up. The timeout and retries are the brief's WHATSAPP_DEFAULT_TIMEOUT
 * and WHATSAPP_DEFAULT_RETRIES (a tenant's messageTimeout overrides the timeout; its webhookRetries are about
 * inbound webhooks and play no part here); the rest are SENDER_* variables, listed in DELIVERY.md.
 *
 * @param timeout            default provider call timeout (WHATSAPP_DEFAULT_TIMEOUT)
 * @param retries            retries of a transient failure after the first attempt (WHATSAPP_DEFAULT_RETRIES)
 * @param breaker            circuit breaker and rate limit per endpoint: SENDER_BREAKER_WINDOW (10 calls),
 *                           SENDER_BREAKER_MIN_CALLS (5), SENDER_BREAKER_FAILURE_RATE (50 %), SENDER_BREAKER_OPEN_MS
 *                           (30000); SENDER_RATE_PER_SECOND_DEFAULT (80, the Cloud API's default throughput per
 *                           number), overridable per provider with SENDER_RATE_PER_SECOND_CLOUD_API / _WAHA /
 *                           _EVOLUTION
 * @param workersPerEndpoint SENDER_WORKERS_PER_ENDPOINT ({@value #DEFAULT_WORKERS_PER_ENDPOINT}): concurrent sends
 *                           per endpoint lane (the bulkhead); threads exist only for sends that run
 * @param endpointQueue      SENDER_ENDPOINT_QUEUE ({@value #DEFAULT_ENDPOINT_QUEUE}): commands a lane takes (queued,
 *                           running or waiting for their result's acknowledgement) before it counts as full
 * @param partitionBacklog   SENDER_PARTITION_BACKLOG (500): undispatched records per partition before it is paused
 * @param backoffBase        SENDER_BACKOFF_BASE_MS (500): ceiling of the first retry's jittered wait
 * @param backoffMax         SENDER_BACKOFF_MAX_MS (30000): cap of every retry's wait (Retry-After excepted)
 * @param groupId            SENDER_GROUP_ID: the consumer group; default WHATSAPP_TOPIC_PREFIX + "whatsapp-sender"
 * @param membership         SENDER_INSTANCE_ID and SENDER_SESSION_TIMEOUT_MS: how this instance belongs to the group
 *                           ({@link GroupMembership}); with an id, a restarted sender takes its partitions back at once
 * @param leasePoll          how often a repeated command looks whether the first one has finished
 * @param leaseMargin        SENDER_LEASE_MARGIN_MS (30000): what an idempotency claim's lease adds to the longest
 *                           its command may take, for Redis, pauses and clock skew between instances; after a crash
 *                           the recipient's next messages wait out that lease
 */
public record SenderSettings(
        Duration timeout,
        int retries,
        EndpointGuards.Settings breaker,
        int workersPerEndpoint,
        int endpointQueue,
        int partitionBacklog,
        Duration backoffBase,
        Duration backoffMax,
        String groupId,
        GroupMembership membership,
        Duration leasePoll,
        Duration leaseMargin) {

    public static final String DEFAULT_GROUP = "whatsapp-sender";
    /**
     * Enough concurrent calls for an endpoint to use its default rate limit (80/s) at a provider answering in up
     * to 400 ms (80 x 0.4 = 32); each call waits on the network, so fewer would cap the endpoint below its limit.
     */
    public static final int DEFAULT_WORKERS_PER_ENDPOINT = 32;
    /**
     * Several times the workers: a command whose result waits for the broker's acknowledgement keeps its place in
     * the lane (its recipient's next message waits for it) but no worker, so fewer would leave workers idle.
     */
    public static final int DEFAULT_ENDPOINT_QUEUE = 256;

    public static SenderSettings from(Env env, GatewayConfig config) {
        int defaultRate = env.integer("SENDER_RATE_PER_SECOND_DEFAULT", 80, 1, 100_000);
        Map<ProviderType, Double> rates = new EnumMap<>(ProviderType.class);
        for (ProviderType p : ProviderType.values()) {
            String name = "SENDER_RATE_PER_SECOND_" + p.name().toUpperCase(Locale.ROOT);
            rates.put(p, (double) env.integer(name, defaultRate, 1, 100_000));
        }
        Duration backoffBase = env.duration("SENDER_BACKOFF_BASE_MS", Duration.ofMillis(500), ChronoUnit.MILLIS, 1,
                600_000);
        Duration backoffMax = env.duration("SENDER_BACKOFF_MAX_MS", Duration.ofSeconds(30), ChronoUnit.MILLIS, 1,
                3_600_000);
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new ConfigException("SENDER_BACKOFF_MAX_MS", "must not be less than SENDER_BACKOFF_BASE_MS");
        }
        int window = env.integer("SENDER_BREAKER_WINDOW", 10, 1, 1000);
        int minCalls = env.integer("SENDER_BREAKER_MIN_CALLS", 5, 1, 1000);
        EndpointGuards.Settings breaker = new EndpointGuards.Settings(window, Math.min(minCalls, window),
                env.integer("SENDER_BREAKER_FAILURE_RATE", 50, 1, 100),
                env.duration("SENDER_BREAKER_OPEN_MS", Duration.ofSeconds(30), ChronoUnit.MILLIS, 1, 3_600_000),
                rates);
        return new SenderSettings(
                config.defaultTimeout(),
                config.defaultRetries(),
                breaker,
                env.integer("SENDER_WORKERS_PER_ENDPOINT", DEFAULT_WORKERS_PER_ENDPOINT, 1, 1024),
                env.integer("SENDER_ENDPOINT_QUEUE", DEFAULT_ENDPOINT_QUEUE, 1, 1_000_000),
                env.integer("SENDER_PARTITION_BACKLOG", 500, 1, 1_000_000),
                backoffBase,
                backoffMax,
                env.string("SENDER_GROUP_ID", config.topicPrefix() + DEFAULT_GROUP),
                GroupMembership.from(env, "SENDER"),
                Duration.ofMillis(250),
                env.duration("SENDER_LEASE_MARGIN_MS", Duration.ofSeconds(30), ChronoUnit.MILLIS, 1_000, 600_000));
    }
}
