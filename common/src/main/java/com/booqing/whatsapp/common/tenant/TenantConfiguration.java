package com.booqing.whatsapp.common.tenant;

import com.booqing.whatsapp.common.config.GatewayConfig;

import java.time.Instant;
import java.util.Objects;

/**
 * The brief's WhatsAppConfiguration, on the compacted configuration topic (key: tenant id). Intervals are in
 * seconds and the timeout in milliseconds, as the brief's environment variables are.
 */
public record TenantConfiguration(
        String tenantId,
        String primaryEndpointId,
        boolean failoverEnabled,
        boolean autoReconnect,
        int reconnectInterval,
        int healthCheckInterval,
        int webhookRetries,
        int messageTimeout,
        Instant createdAt,
        Instant updatedAt) {

    public TenantConfiguration {
        Objects.requireNonNull(tenantId, "tenantId");
    }

    /** A new tenant's configuration with the defaults from the environment. */
    public static TenantConfiguration defaults(String tenantId, GatewayConfig config, Instant now) {
        return new TenantConfiguration(tenantId, null, true, true,
                (int) config.reconnectInterval().toSeconds(),
                (int) config.healthCheckInterval().toSeconds(),
                config.defaultRetries(),
                (int) config.defaultTimeout().toMillis(),
                now, now);
    }
}
