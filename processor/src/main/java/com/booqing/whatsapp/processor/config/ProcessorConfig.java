package com.booqing.whatsapp.processor.config;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.kafka.GroupMembership;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The processor's settings, read once at start-up.
 *
 * @param applicationId    PROCESSOR_APPLICATION_ID, the Streams application id; default
 *                         {@code <WHATSAPP_TOPIC_PREFIX>whatsapp-processor}
 * @param projectorGroupId the Redis projector's consumer group, {@code <WHATSAPP_TOPIC_PREFIX>whatsapp-redis-projector}
 * @param stateDir         PROCESSOR_STATE_DIR, where Streams keeps its local state; default a new temp directory
 * @param streamThreads    PROCESSOR_STREAM_THREADS, default 1
 * @param secrets          WHATSAPP_ENCRYPTION_KEYS (required): the management topology opens sealed endpoint secrets
 *                         to check them and to show their masks; the service refuses to start without a key
 * @param membership       PROCESSOR_INSTANCE_ID and PROCESSOR_SESSION_TIMEOUT_MS: how this instance belongs to its
 *                         consumer groups ({@link GroupMembership})
 * @param commitInterval   PROCESSOR_COMMIT_INTERVAL_MS (1-1,000, default 10): how often both Streams applications
 *                         commit their exactly-once transactions. An event reaches the projector, and a management
 *                         command's outcome its caller, only at the commit, so this is most of the webhook-to-Redis
 *                         time; each commit costs the broker a transaction (processor INBOUND.md)
 */
public record ProcessorConfig(
        String applicationId,
        String projectorGroupId,
        Path stateDir,
        int streamThreads,
        GatewayConfig gateway,
        Topics topics,
        SecretBox secrets,
        GroupMembership membership,
        Duration commitInterval) {

    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(10);

    public static final String DEFAULT_APPLICATION_ID = "whatsapp-processor";
    public static final String DEFAULT_PROJECTOR_GROUP = "whatsapp-redis-projector";
    /** Appended to the application id to name the management topology's Streams application. */
    public static final String MANAGEMENT_SUFFIX = "-management";

    /** Dynamic membership with the default session timeout. */
    public ProcessorConfig(String applicationId, String projectorGroupId, Path stateDir, int streamThreads,
                           GatewayConfig gateway, Topics topics, SecretBox secrets) {
        this(applicationId, projectorGroupId, stateDir, streamThreads, gateway, topics, secrets,
                GroupMembership.dynamic(), DEFAULT_COMMIT_INTERVAL);
    }

    public ProcessorConfig {
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(commitInterval, "commitInterval");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(projectorGroupId, "projectorGroupId");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(secrets, "secrets");
    }

    public static ProcessorConfig from(Env env) {
        GatewayConfig gateway = GatewayConfig.from(env);
        String prefix = gateway.topicPrefix();
        String applicationId = env.string("PROCESSOR_APPLICATION_ID", prefix + DEFAULT_APPLICATION_ID);
        if (!applicationId.matches("[A-Za-z0-9._-]+")) {
            throw new ConfigException("PROCESSOR_APPLICATION_ID", "may only contain letters, digits, '.', '_' and '-'");
        }
        return new ProcessorConfig(
                applicationId,
                prefix + DEFAULT_PROJECTOR_GROUP,
                stateDir(env.string("PROCESSOR_STATE_DIR", null)),
                env.integer("PROCESSOR_STREAM_THREADS", 1, 1, 64),
                gateway,
                Topics.withPrefix(prefix, Topics.DEFAULT_PARTITIONS),
                SecretBox.fromEnv(env),
                GroupMembership.from(env, "PROCESSOR"),
                env.duration("PROCESSOR_COMMIT_INTERVAL_MS", DEFAULT_COMMIT_INTERVAL, ChronoUnit.MILLIS, 1, 1_000));
    }

    /** The management topology's own Streams application (its own consumer group, state and transactions). */
    public String managementApplicationId() {
        return applicationId + MANAGEMENT_SUFFIX;
    }

    public RedisKeys redisKeys() {
        return new RedisKeys(gateway.redisNamespace());
    }

    private static Path stateDir(String configured) {
        try {
            if (configured == null) {
                return Files.createTempDirectory("whatsapp-processor-state");
            }
            return Files.createDirectories(Path.of(configured));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("PROCESSOR_STATE_DIR", "is not a usable directory");
        }
    }
}
