package com.booqing.whatsapp.common.device;

import java.time.Instant;
import java.util.Objects;

/** A WhatsApp session paired to an endpoint, as kept on the compacted devices topic (key: device id). */
public record Device(
        String id,
        String tenantId,
        String endpointId,
        String deviceName,
        String phoneNumber,
        DeviceStatus status,
        String qrCode,
        String pairingCode,
        int reconnectAttempts,
        int maxReconnectAttempts,
        Instant createdAt,
        Instant updatedAt) {

    /** Device ids carry this prefix, which no tenant id may start with, so /devices/{id} is never ambiguous. */
    public static final String ID_PREFIX = "dev_";

    public Device {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(status, "status");
    }
}
