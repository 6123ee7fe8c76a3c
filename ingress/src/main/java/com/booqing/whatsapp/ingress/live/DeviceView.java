package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceStatus;

import java.time.Instant;
import java.util.Objects;

/**
 * What the stream knows of one device: the processor's fold of it (devices topic) merged with the latest session
 * event (events topic), which adds the provider's word and the reason. A QR code is kept only while pairing. No
 * phone number, no session data: nothing here is a secret.
 */
record DeviceView(String deviceId, String endpointId, String deviceName, DeviceStatus status, String providerStatus,
                  String reason, Integer reconnectAttempts, Integer maxReconnectAttempts, Instant updatedAt,
                  String qrCode, String pairingCode) {

    static DeviceView of(Device d) {
        return new DeviceView(d.id(), d.endpointId(), d.deviceName(), d.status(), null, null, d.reconnectAttempts(),
                d.maxReconnectAttempts(), d.updatedAt(), pairingOnly(d.status(), d.qrCode()),
                pairingOnly(d.status(), d.pairingCode()));
    }

    /** The folded device, keeping the session event's reason while the status it explains holds. */
    DeviceView with(Device d) {
        boolean sameStatus = d.status() == status;
        return new DeviceView(d.id(), d.endpointId(), d.deviceName(), d.status(),
                sameStatus ? providerStatus : null, sameStatus ? reason : null, d.reconnectAttempts(),
                d.maxReconnectAttempts(), d.updatedAt(),
                pairingOnly(d.status(), d.qrCode() != null ? d.qrCode() : sameStatus ? qrCode : null),
                pairingOnly(d.status(), d.pairingCode() != null ? d.pairingCode() : sameStatus ? pairingCode : null));
    }

    static DeviceView of(DeviceEvent e) {
        return new DeviceView(e.deviceId(), e.endpointId(), null, e.status(), e.providerStatus(), e.reason(), null,
                null, e.at(), pairingOnly(e.status(), e.qrCode()), pairingOnly(e.status(), e.pairingCode()));
    }

    /** A session event: new status, the provider's word and reason; a QR or pairing code when it brings one. */
    DeviceView with(DeviceEvent e) {
        boolean sameStatus = e.status() == status;
        return new DeviceView(deviceId, e.endpointId() != null ? e.endpointId() : endpointId, deviceName, e.status(),
                e.providerStatus(), e.reason(), reconnectAttempts, maxReconnectAttempts,
                e.at() != null ? e.at() : updatedAt,
                pairingOnly(e.status(), e.qrCode() != null ? e.qrCode() : sameStatus ? qrCode : null),
                pairingOnly(e.status(), e.pairingCode() != null ? e.pairingCode() : sameStatus ? pairingCode : null));
    }

    /** Whether {@code device.status} has news for a watcher who saw {@code before}. */
    boolean statusDiffers(DeviceView before) {
        return before == null || status != before.status || !Objects.equals(reason, before.reason)
                || !Objects.equals(deviceName, before.deviceName) || !Objects.equals(endpointId, before.endpointId);
    }

    /** Whether {@code device.qr} has news: a code to show that differs from the one shown. */
    boolean codeDiffers(DeviceView before) {
        if (qrCode == null && pairingCode == null) {
            return false;
        }
        return before == null || !Objects.equals(qrCode, before.qrCode)
                || !Objects.equals(pairingCode, before.pairingCode);
    }

    boolean hasCode() {
        return status == DeviceStatus.PAIRING && (qrCode != null || pairingCode != null);
    }

    private static String pairingOnly(DeviceStatus status, String code) {
        return status == DeviceStatus.PAIRING ? code : null;
    }
}
