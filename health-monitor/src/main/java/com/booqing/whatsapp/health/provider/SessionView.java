package com.booqing.whatsapp.health.provider;

import com.booqing.whatsapp.common.device.DeviceStatus;

/**
 * What a provider says of a linked-device session now.
 *
 * @param providerStatus the provider's own word (WORKING, SCAN_QR_CODE, open, close...), null when none
 * @param status         the device state it means
 * @param qrCode         the raw QR value on screen while pairing, else null
 * @param pairingCode    the code to type on the phone, when one was asked for
 * @param reason         why, for errors and missing sessions
 * @param me             the linked WhatsApp account once connected, when the provider says
 * @param instanceToken  Evolution's per-instance token ("hash") when the instance was just created; a secret
 */
public record SessionView(String providerStatus, DeviceStatus status, String qrCode, String pairingCode,
                          String reason, Me me, String instanceToken) {

    /** The linked account: its WhatsApp id and profile name. */
    public record Me(String id, String pushName) {
    }

    public static SessionView of(String providerStatus, DeviceStatus status, String reason) {
        return new SessionView(providerStatus, status, null, null, reason, null, null);
    }

    public SessionView withPairingCode(String code) {
        return new SessionView(providerStatus, status, qrCode, code, reason, me, instanceToken);
    }

    public SessionView withInstanceToken(String token) {
        return new SessionView(providerStatus, status, qrCode, pairingCode, reason, me, token);
    }

    /** Never shows the token; QR and pairing codes are short-lived but still nothing for a log. */
    @Override
    public String toString() {
        return "SessionView[providerStatus=" + providerStatus + ", status=" + status + ", qrCode="
                + (qrCode == null ? "none" : "***") + ", pairingCode=" + (pairingCode == null ? "none" : "***")
                + ", reason=" + reason + ", instanceToken=" + (instanceToken == null ? "none" : "***") + "]";
    }
}
