package com.booqing.whatsapp.health.device;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.health.provider.ProviderCallException;
import com.booqing.whatsapp.health.provider.SessionApi;
import com.booqing.whatsapp.health.provider.SessionCall;
import com.booqing.whatsapp.health.provider.SessionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Follows one device while it pairs: polls the session, publishes a new PAIRING event whenever the provider shows
 * a new QR code (WAHA: 60 s, then 20 s each, six at most), and ends with CONNECTED once the phone is linked, or
 * ERROR when the QR codes run out or pairing takes longer than allowed. Called from one thread at a time.
 *
 * <p>Everything it needs can be read back (the pairing's start and cause from the device's session data, the last
 * QR code from the device), so an instance that takes the device over starts a watch of its own where the previous
 * one stopped ({@link DeviceManager}). When the pairing ends the session data says so.
 */
final class PairingWatch {
    static final String QR_LIMIT = "QR limit reached: new connect needed";
    private static final Logger log = LoggerFactory.getLogger(PairingWatch.class);

    enum Next { AGAIN, DONE }

    private final Device device;
    private final Endpoint endpoint;
    private final SessionApi api;
    private final SessionCall call;
    private final DeviceEvents events;
    private final SessionStore store;
    private final String cause;
    private final Duration limit;
    private final Instant deadline;
    private final Clock clock;
    private String lastQr;
    private String pairingCode;
    private volatile boolean cancelled;

    /**
     * @param since  when the pairing began (the CONNECT); it may take {@code limit} from then
     * @param lastQr the QR code already published, if any (a new one is published when the provider shows it)
     */
    PairingWatch(Device device, Endpoint endpoint, SessionApi api, SessionCall call, DeviceEvents events,
                 SessionStore store, String cause, String lastQr, String pairingCode, Instant since, Duration limit,
                 Clock clock) {
        this.device = device;
        this.endpoint = endpoint;
        this.api = api;
        this.call = call;
        this.events = events;
        this.store = store;
        this.cause = cause;
        this.limit = limit;
        this.deadline = since.plus(limit);
        this.clock = clock;
        this.lastQr = lastQr;
        this.pairingCode = pairingCode;
    }

    String deviceId() {
        return device.id();
    }

    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    Next step() {
        if (cancelled) {
            return Next.DONE;
        }
        if (clock.instant().isAfter(deadline)) {
            events.publish(device, DeviceStatus.ERROR, null, null, null,
                    "pairing not finished within " + limit.toSeconds() + " s: new connect needed", cause + ":timeout");
            store.pairingEnded(device);
            return Next.DONE;
        }
        SessionView v;
        try {
            v = api.status(call, true);
        } catch (ProviderCallException e) {
            log.debug("pairing check of device {} failed: {}", device.id(), e.getMessage());
            return Next.AGAIN;
        }
        if (cancelled) {
            return Next.DONE;
        }
        switch (v.status()) {
            case PAIRING -> {
                if (v.qrCode() != null && !v.qrCode().equals(lastQr)) {
                    lastQr = v.qrCode();
                    // WAHA's pairing code outlives a QR refresh; Evolution issues a new one with each QR code.
                    pairingCode = v.pairingCode() != null ? v.pairingCode() : pairingCode;
                    events.publish(device, DeviceStatus.PAIRING, v.providerStatus(), lastQr, pairingCode, null, "qr");
                }
                return Next.AGAIN;
            }
            case CONNECTING -> {
                return Next.AGAIN;
            }
            case CONNECTED -> {
                events.publish(device, DeviceStatus.CONNECTED, v.providerStatus(), null, null, null, cause);
                store.save(device, endpoint, v, false);
                return Next.DONE;
            }
            default -> {
                // FAILED (WAHA) or refused, and an Evolution instance that closes while pairing, is the QR limit.
                String reason = v.status() == DeviceStatus.ERROR || "close".equals(v.providerStatus()) ? QR_LIMIT
                        : "session " + (v.providerStatus() == null ? "gone" : v.providerStatus())
                        + " while pairing: new connect needed";
                events.publish(device, DeviceStatus.ERROR, v.providerStatus(), null, null, reason, cause);
                store.pairingEnded(device);
                return Next.DONE;
            }
        }
    }
}
