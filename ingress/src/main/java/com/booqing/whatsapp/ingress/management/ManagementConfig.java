package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Settings of the management API, read once at start-up.
 *
 * @param gateway           the shared settings: webhook base URL (webhookUrl of endpoints), private endpoints
 *                          allowed or not, health-check interval (freshness of health answers)
 * @param commandWait       INGRESS_COMMAND_WAIT_MS, how long a write waits for the processor's outcome before
 *                          answering 202 with the command's location (default 5000)
 * @param projectionWait    INGRESS_PROJECTION_WAIT_MS, how long an applied write then waits for Redis to show it,
 *                          so that a read right after sees the write (default 2000)
 * @param connectWait       INGRESS_CONNECT_WAIT_MS, how long a device action waits for the provider's answer (a QR
 *                          code, a pairing code, a new status) before answering 202 (default 10000)
 * @param authFailureLimit  INGRESS_AUTH_FAILURE_LIMIT, failed authentications per client address per window before
 *                          it is refused with 429 (default 10)
 * @param authFailureWindow INGRESS_AUTH_FAILURE_WINDOW_MS (default 60000)
 */
public record ManagementConfig(GatewayConfig gateway, Duration commandWait, Duration projectionWait,
                               Duration connectWait, int authFailureLimit, Duration authFailureWindow) {
    public static final Duration DEFAULT_COMMAND_WAIT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_PROJECTION_WAIT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_CONNECT_WAIT = Duration.ofSeconds(10);
    public static final int DEFAULT_AUTH_FAILURE_LIMIT = 10;
    public static final Duration DEFAULT_AUTH_FAILURE_WINDOW = Duration.ofMinutes(1);

    public ManagementConfig {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(commandWait, "commandWait");
        Objects.requireNonNull(projectionWait, "projectionWait");
        Objects.requireNonNull(connectWait, "connectWait");
        Objects.requireNonNull(authFailureWindow, "authFailureWindow");
    }

    public static ManagementConfig from(Env env) {
        return new ManagementConfig(
                GatewayConfig.from(env),
                env.duration("INGRESS_COMMAND_WAIT_MS", DEFAULT_COMMAND_WAIT, ChronoUnit.MILLIS, 0, 60_000),
                env.duration("INGRESS_PROJECTION_WAIT_MS", DEFAULT_PROJECTION_WAIT, ChronoUnit.MILLIS, 0, 60_000),
                env.duration("INGRESS_CONNECT_WAIT_MS", DEFAULT_CONNECT_WAIT, ChronoUnit.MILLIS, 0, 120_000),
                env.integer("INGRESS_AUTH_FAILURE_LIMIT", DEFAULT_AUTH_FAILURE_LIMIT, 1, 1_000_000),
                env.duration("INGRESS_AUTH_FAILURE_WINDOW_MS", DEFAULT_AUTH_FAILURE_WINDOW, ChronoUnit.MILLIS, 1000,
                        86_400_000));
    }

    /** Leaves out the gateway settings: REDIS_URL may carry a password. */
    @Override
    public String toString() {
        return "ManagementConfig[commandWait=" + commandWait + ", projectionWait=" + projectionWait + ", connectWait="
                + connectWait + ", authFailureLimit=" + authFailureLimit + ", authFailureWindow=" + authFailureWindow
                + "]";
    }

    /** Health older than two check intervals is not an answer about now. */
    public Duration healthFreshness() {
        return gateway.healthCheckInterval().multipliedBy(2);
    }
}
