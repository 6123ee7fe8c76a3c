package com.booqing.whatsapp.ops.status;

import java.util.List;

/**
 * One tenant as {@code status} shows it, read from the Redis read model.
 *
 * @param healthCheckInterval seconds, from the configuration: a health check older than three of these is stale
 */
record TenantStatus(String tenantId, String primaryEndpointId, Boolean failoverEnabled, Integer healthCheckInterval,
                    List<EndpointStatus> endpoints, List<DeviceStatus> devices) {

    /** @param health null when the health monitor has not checked the endpoint yet */
    record EndpointStatus(String id, String name, String provider, String apiUrl, boolean active, boolean primary,
                          int weight, Health health) {
    }

    /** @param ageSeconds seconds since the check, null when the check has no time */
    record Health(String state, Long latencyMs, String lastError, String checkedAt, Long ageSeconds, boolean stale) {
    }

    record DeviceStatus(String id, String name, String phoneNumber, String status, String endpointId,
                        int reconnectAttempts) {
    }
}
