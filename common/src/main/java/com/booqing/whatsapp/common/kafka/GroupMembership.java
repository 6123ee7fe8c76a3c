package com.booqing.whatsapp.common.kafka;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a service instance belongs to its consumer groups, read from {@code <SERVICE>_INSTANCE_ID} and
 * {@code <SERVICE>_SESSION_TIMEOUT_MS}.
 *
 * @param instanceId     optional: a name that stays the same across restarts (a pod's name in a StatefulSet, a host
 *                       name). With it, each consumer is a static member: an instance that restarts, even after a
 *                       crash, takes its partitions back at once instead of waiting for its old session to time out,
 *                       and no rebalance moves them meanwhile. Two running instances must never share it (the newer
 *                       one fences the older). A static member that stops must leave its group explicitly
 *                       ({@code CloseOptions} {@code LEAVE_GROUP}), or its partitions wait for the session timeout.
 * @param sessionTimeout 6,000-300,000 ms, default 45,000: how long the group waits for an instance that stopped
 *                       answering (crashed, frozen) before its partitions move
 */
public record GroupMembership(String instanceId, Duration sessionTimeout) {
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(45);

    public GroupMembership {
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    }

    public static GroupMembership dynamic() {
        return new GroupMembership(null, DEFAULT_SESSION_TIMEOUT);
    }

    /** {@code service} is the variables' prefix: {@code PROCESSOR} reads PROCESSOR_INSTANCE_ID and so on. */
    public static GroupMembership from(Env env, String service) {
        String idVariable = service + "_INSTANCE_ID";
        String instanceId = env.string(idVariable, null);
        if (instanceId != null && !instanceId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new ConfigException(idVariable, "may only contain letters, digits, '.', '_' and '-' (at most 100)");
        }
        return new GroupMembership(instanceId, env.duration(service + "_SESSION_TIMEOUT_MS", DEFAULT_SESSION_TIMEOUT,
                ChronoUnit.MILLIS, 6_000, 300_000));
    }

    public boolean isStatic() {
        return instanceId != null;
    }

    /**
     * Consumer settings of one of the instance's group members: the session timeout (heartbeats at most every 3 s,
     * at least three per session) and, with an instance id, the static member id {@code <id>-<consumer>}.
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
