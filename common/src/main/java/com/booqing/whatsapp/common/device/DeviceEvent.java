package com.booqing.whatsapp.common.device;

import com.booqing.whatsapp.common.event.EventPayload;

import java.time.Instant;

/**
 * A change in a device's session as a provider reported it (WAHA session.status, Evolution connection.update
 * and qrcode.updated) or as the keep-alive decided it.
 *
 * @param providerStatus the provider's own word for the state (WORKING, open, SCAN_QR_CODE ...), for operators
 * @param reason         why, when the state is an error or a logout
 */
public record DeviceEvent(
        String tenantId,
        String endpointId,
        String deviceId,
        DeviceStatus status,
        String providerStatus,
        String qrCode,
        String pairingCode,
        String reason,
        Instant at) implements EventPayload {

    @Override
    public String type() {
        return "device.status";
    }
}
