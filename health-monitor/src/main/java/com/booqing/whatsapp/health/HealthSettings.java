package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.health.device.DeviceManager;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The monitor's own settings (the WHATSAPP_* ones are in {@link GatewayConfig}).
 *
 * @param intervalOverride          HEALTH_CHECK_INTERVAL_OVERRIDE_MS: one interval for every endpoint, ignoring
 *                                  tenants' healthCheckInterval (tests and demos); null in production
 * @param thresholds                HEALTH_FAILURE_THRESHOLD (3), HEALTH_SUCCESS_THRESHOLD (2), HEALTH_HEARTBEAT_EVERY
 *                                  (5; at most 10, because the sender forgets a verdict not renewed for 15 intervals)
 * @param reconnectIntervalOverride HEALTH_RECONNECT_INTERVAL_OVERRIDE_MS: one first reconnect delay for every
 *                                  tenant, ignoring reconnectInterval (tests and demos); null in production
 * @param qrPoll                    HEALTH_QR_POLL_INTERVAL_MS (5000): how often a pairing device is checked for a
 *                                  new QR code
 * @param qrWait                    HEALTH_QR_WAIT_MS (10000): how long a connect waits for the first QR code
 * @param pairingTimeout            HEALTH_PAIRING_TIMEOUT_MS (300000): how long a device may stay pairing
 * @param commandMaxAge             HEALTH_DEVICE_COMMAND_MAX_AGE_MS (600000): older device commands are skipped
 * @param groupSessionTimeout       HEALTH_GROUP_SESSION_TIMEOUT_MS (10000, at least 6000): how soon the groups
 *                                  notice a monitor that died without leaving, and hand its endpoints and devices
 *                                  over
 * @param ownershipGroup            HEALTH_GROUP_ID (WHATSAPP_TOPIC_PREFIX + "whatsapp-health-monitor")
 * @param deviceGroup               HEALTH_DEVICE_GROUP_ID (WHATSAPP_TOPIC_PREFIX + "whatsapp-device-manager")
 * @param startupTimeout            HEALTH_STARTUP_TIMEOUT_MS (60000): how long start-up may take to read the compacted
 *                                  topics (endpoints, configurations, health, devices...) before the monitor gives up;
 *                                  100,000 endpoints take seconds on an idle machine, longer on a busy one
 * @param maxChecksPerHost          HEALTH_MAX_CHECKS_PER_HOST (256): checks in flight to one provider host (scheme,
 *                                  host, port) at a time; more wait their turn ({@link HostSlots})
 */
public record HealthSettings(Duration intervalOverride, HealthTracker.Thresholds thresholds,
                             Duration reconnectIntervalOverride, Duration qrPoll, Duration qrWait,
                             Duration pairingTimeout, Duration commandMaxAge, Duration groupSessionTimeout,
                             String ownershipGroup, String deviceGroup, Duration startupTimeout,
                             int maxChecksPerHost) {

    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CHECKS_PER_HOST = 256;

    public static final String OWNERSHIP_GROUP = "whatsapp-health-monitor";
    public static final String DEVICE_GROUP = "whatsapp-device-manager";

    /** Production defaults for everything but the probe interval and thresholds. */
    public HealthSettings(Duration intervalOverride, HealthTracker.Thresholds thresholds) {
        this(intervalOverride, thresholds, null, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofSeconds(10), OWNERSHIP_GROUP, DEVICE_GROUP,
                DEFAULT_STARTUP_TIMEOUT, DEFAULT_MAX_CHECKS_PER_HOST);
    }

    public static HealthSettings from(Env env, GatewayConfig config) {
        String prefix = config.topicPrefix();
        return new HealthSettings(
                env.duration("HEALTH_CHECK_INTERVAL_OVERRIDE_MS", null, ChronoUnit.MILLIS, 10, 86_400_000),
                new HealthTracker.Thresholds(
                        env.integer("HEALTH_FAILURE_THRESHOLD", 3, 1, 100),
                        env.integer("HEALTH_SUCCESS_THRESHOLD", 2, 1, 100),
                        env.integer("HEALTH_HEARTBEAT_EVERY", 5, 1, 10)),
                env.duration("HEALTH_RECONNECT_INTERVAL_OVERRIDE_MS", null, ChronoUnit.MILLIS, 10, 86_400_000),
                env.duration("HEALTH_QR_POLL_INTERVAL_MS", Duration.ofSeconds(5), ChronoUnit.MILLIS, 10, 60_000),
                env.duration("HEALTH_QR_WAIT_MS", Duration.ofSeconds(10), ChronoUnit.MILLIS, 0, 120_000),
                env.duration("HEALTH_PAIRING_TIMEOUT_MS", Duration.ofMinutes(5), ChronoUnit.MILLIS, 1_000, 3_600_000),
                env.duration("HEALTH_DEVICE_COMMAND_MAX_AGE_MS", Duration.ofMinutes(10), ChronoUnit.MILLIS, 1_000,
                        604_800_000),
                env.duration("HEALTH_GROUP_SESSION_TIMEOUT_MS", Duration.ofSeconds(10), ChronoUnit.MILLIS, 6_000,
                        300_000),
                group(env, "HEALTH_GROUP_ID", prefix + OWNERSHIP_GROUP),
                group(env, "HEALTH_DEVICE_GROUP_ID", prefix + DEVICE_GROUP),
                env.duration("HEALTH_STARTUP_TIMEOUT_MS", DEFAULT_STARTUP_TIMEOUT, ChronoUnit.MILLIS, 1_000,
                        3_600_000),
                env.integer("HEALTH_MAX_CHECKS_PER_HOST", DEFAULT_MAX_CHECKS_PER_HOST, 1, 100_000));
    }

    private static String group(Env env, String name, String defaultValue) {
        String g = env.string(name, defaultValue);
        if (!g.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new ConfigException(name, "may only contain letters, digits, '.', '_' and '-'");
        }
        return g;
    }

    /** The same settings with both consumer groups renamed (tests keep their groups apart by a prefix). */
    public HealthSettings withGroupPrefix(String prefix) {
        return new HealthSettings(intervalOverride, thresholds, reconnectIntervalOverride, qrPoll, qrWait,
                pairingTimeout, commandMaxAge, groupSessionTimeout, prefix + OWNERSHIP_GROUP, prefix + DEVICE_GROUP,
                startupTimeout, maxChecksPerHost);
    }

    public HealthSettings withDeviceTimings(Duration reconnectOverride, Duration qrPoll, Duration qrWait) {
        return new HealthSettings(intervalOverride, thresholds, reconnectOverride, qrPoll, qrWait, pairingTimeout,
                commandMaxAge, groupSessionTimeout, ownershipGroup, deviceGroup, startupTimeout, maxChecksPerHost);
    }

    DeviceManager.Settings deviceManager() {
        return new DeviceManager.Settings(qrWait, qrPoll, pairingTimeout, commandMaxAge, deviceGroup,
                groupSessionTimeout);
    }

    /** How often the scheduler looks for due probes: fine enough for the shortest interval in use. */
    Duration tick() {
        Duration max = Duration.ofSeconds(1);
        Duration shortest = intervalOverride;
        if (reconnectIntervalOverride != null && (shortest == null || reconnectIntervalOverride.compareTo(shortest) < 0)) {
            shortest = reconnectIntervalOverride;
        }
        if (shortest == null) {
            return max;
        }
        Duration quarter = shortest.dividedBy(4);
        Duration min = Duration.ofMillis(10);
        return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
    }
}
