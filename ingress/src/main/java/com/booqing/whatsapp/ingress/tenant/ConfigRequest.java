package com.booqing.whatsapp.ingress.tenant;

import com.booqing.whatsapp.common.management.ManagementCommand.TenantConfigPatch;
import com.booqing.whatsapp.ingress.endpoint.EndpointHandlers;
import com.booqing.whatsapp.ingress.http.ApiException;

/**
 * Body of {@code POST|PUT /api/whatsapp/config/{tenantId}}: the brief's WhatsAppConfiguration fields, each
 * optional. Intervals are seconds and the timeout milliseconds, as the brief's environment variables are.
 * {@code tenantId} may be given and must then be the path's; endpoints are managed on their own routes.
 */
public record ConfigRequest(
        String tenantId,
        String primaryEndpointId,
        Boolean failoverEnabled,
        Boolean autoReconnect,
        Integer reconnectInterval,
        Integer healthCheckInterval,
        Integer webhookRetries,
        Integer messageTimeout) {

    public static final ConfigRequest EMPTY = new ConfigRequest(null, null, null, null, null, null, null, null);

    public TenantConfigPatch toPatch(String pathTenantId) {
        if (tenantId != null && !tenantId.equals(pathTenantId)) {
            throw ApiException.invalidField("tenantId", "tenantId must be the tenant of the path");
        }
        if (primaryEndpointId != null && !EndpointHandlers.isEndpointId(primaryEndpointId)) {
            throw ApiException.invalidField("primaryEndpointId", "primaryEndpointId is not an endpoint id");
        }
        range("reconnectInterval", reconnectInterval, 1, 86_400);
        range("healthCheckInterval", healthCheckInterval, 1, 86_400);
        range("webhookRetries", webhookRetries, 0, 20);
        range("messageTimeout", messageTimeout, 100, 600_000);
        return new TenantConfigPatch(primaryEndpointId, failoverEnabled, autoReconnect, reconnectInterval,
                healthCheckInterval, webhookRetries, messageTimeout);
    }

    public boolean changesNothing() {
        return primaryEndpointId == null && failoverEnabled == null && autoReconnect == null
                && reconnectInterval == null && healthCheckInterval == null && webhookRetries == null
                && messageTimeout == null;
    }

    private static void range(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw ApiException.invalidField(field, field + " must be between " + min + " and " + max);
        }
    }
}
