package com.booqing.whatsapp.processor.config;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
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
 *                         consumer groups
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
        Membership membership,
        Duration commitInterval) {

    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(10);

    public static final String DEFAULT_APPLICATION_ID = "whatsapp-processor";
    public static final String DEFAULT_PROJECTOR_GROUP = "whatsapp-redis-projector";
    /** Appended to the application id to name the management topology's Streams application. */
    public static final String MANAGEMENT_SUFFIX = "-management";

    /**
     * How the instance belongs to its consumer groups (both Streams applications and the projector).
     *
     * @param instanceId     PROCESSOR_INSTANCE_ID, optional: a name that stays the same across restarts (a pod's
     *                       name in a StatefulSet, a host name). With it, each consumer is a static member: an instance
     *                       that restarts, even after a crash, takes its partitions back at once instead of waiting
     *                       for its old session to time out, and no rebalance moves them meanwhile. Two running
     *                       instances must never share it (the newer one fences the older).
     * @param sessionTimeout PROCESSOR_SESSION_TIMEOUT_MS (6,000-300,000, default 45,000): how long the group waits for
     *                       an instance that stopped answering (crashed, frozen) before its partitions move
     */
    public record Membership(String instanceId, Duration sessionTimeout) {
        public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);

        public Membership {
            Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        }

        public static Membership dynamic() {
            return new Membership(null, DEFAULT_SESSION_TIMEOUT);
        }

        /**
         * Consumer settings of one of the instance's group members: the session timeout (heartbeats at most every
         * 3 s, at least three per session) and, with an instance id, the static member id {@code <id>-<consumer>}.
         */
        public Map<String, Object> consumerSettings(String consumer) {
            Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
            c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.min(3_000, sessionTimeout.toMillis() / 3));
            if (instanceId != null) {
                c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId + "-" + consumer);
            }
            return c;
        }
    }

    /** Dynamic membership with the default session timeout. */
    public ProcessorConfig(String applicationId, String projectorGroupId, Path stateDir, int streamThreads,
                           GatewayConfig gateway, Topics topics, SecretBox secrets) {
        this(applicationId, projectorGroupId, stateDir, streamThreads, gateway, topics, secrets,
                Membership.dynamic(), DEFAULT_COMMIT_INTERVAL);
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
                membership(env),
                env.duration("PROCESSOR_COMMIT_INTERVAL_MS", DEFAULT_COMMIT_INTERVAL, ChronoUnit.MILLIS, 1, 1_000));
    }

    private static Membership membership(Env env) {
        String instanceId = env.string("PROCESSOR_INSTANCE_ID", null);
        if (instanceId != null && !instanceId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new ConfigException("PROCESSOR_INSTANCE_ID",
                    "may only contain letters, digits, '.', '_' and '-' (at most 100)");
        }
        return new Membership(instanceId, env.duration("PROCESSOR_SESSION_TIMEOUT_MS",
                Membership.DEFAULT_SESSION_TIMEOUT, ChronoUnit.MILLIS, 6_000, 300_000));
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
