package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.config.Env;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The monitor's own settings.
 *
 * @param intervalOverride HEALTH_CHECK_INTERVAL_OVERRIDE_MS: one interval for every endpoint, ignoring tenants'
 *                         healthCheckInterval (tests and demos); null in production
 * @param thresholds       HEALTH_FAILURE_THRESHOLD (3), HEALTH_SUCCESS_THRESHOLD (2), HEALTH_HEARTBEAT_EVERY (5;
 *                         at most 10, because the sender forgets a verdict not renewed for 15 intervals)
 */
public record HealthSettings(Duration intervalOverride, HealthTracker.Thresholds thresholds) {

    public static HealthSettings from(Env env) {
        return new HealthSettings(
                env.duration("HEALTH_CHECK_INTERVAL_OVERRIDE_MS", null, ChronoUnit.MILLIS, 10, 86_400_000),
                new HealthTracker.Thresholds(
                        env.integer("HEALTH_FAILURE_THRESHOLD", 3, 1, 100),
                        env.integer("HEALTH_SUCCESS_THRESHOLD", 2, 1, 100),
                        env.integer("HEALTH_HEARTBEAT_EVERY", 5, 1, 10)));
    }

    /** How often the scheduler looks for due probes: fine enough for the shortest interval in use. */
    Duration tick() {
        Duration max = Duration.ofSeconds(1);
        if (intervalOverride == null) {
            return max;
        }
        Duration quarter = intervalOverride.dividedBy(4);
        Duration min = Duration.ofMillis(10);
        return quarter.compareTo(min) < 0 ? min : quarter.compareTo(max) > 0 ? max : quarter;
    }
}
