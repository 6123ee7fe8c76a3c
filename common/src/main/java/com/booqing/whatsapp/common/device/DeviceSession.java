package com.booqing.whatsapp.common.device;

import com.booqing.whatsapp.common.crypto.Sealed;

import java.time.Instant;
import java.util.Objects;

/**
 * A device's session data, sealed with the tenant and device as associated data
 * ({@link #context(String, String)}), on the compacted sessions topic (key: device id) and in Redis under
 * {@code whatsapp:session:{deviceId}}. Nothing stores it in clear.
 */
public record DeviceSession(String deviceId, String tenantId, Sealed data, Instant updatedAt) {

    public DeviceSession {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(data, "data");
    }

    public static String context(String tenantId, String deviceId) {
        return "device/" + tenantId + "/" + deviceId + "/session";
    }
}
