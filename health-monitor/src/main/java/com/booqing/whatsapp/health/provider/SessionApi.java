package com.booqing.whatsapp.health.provider;

import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.ProviderType;

import java.time.Duration;

/**
 * The linked-device session calls of one provider (WAHA sessions, Evolution instances). Calls block, each one
 * bounded by the call's timeout; failures are {@link ProviderCallException}s with a publishable message.
 */
public interface SessionApi {

    ProviderType provider();

    /** The session's state now; with {@code withQr}, the QR value on screen while it is pairing. */
    SessionView status(SessionCall call, boolean withQr);

    /**
     * Creates or starts the session and waits, at most {@code qrWait}, for its first QR code (and a pairing code
     * for {@code phoneDigits}, when given) or for it to be connected already. What it has by then is the answer.
     */
    SessionView connect(SessionCall call, String phoneDigits, Duration qrWait, Duration pollEvery);

    /** Logs the session out (unlinks the phone) and stops it. */
    SessionView disconnect(SessionCall call);

    /** Brings a dropped session back; {@code observedStatus} is what the provider said last. */
    void reconnect(SessionCall call, String observedStatus);

    /** The device state a provider status means; null for a status this code does not know. */
    DeviceStatus map(String providerStatus);

    /** True when this status, seen on a session that was connected, means the link is gone: a new QR scan is needed. */
    boolean meansLoggedOut(String providerStatus);

    /** Waits between polls; false when interrupted. */
    static boolean pause(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
