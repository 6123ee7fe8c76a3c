package com.booqing.whatsapp.simulator;

import java.time.Duration;

/**
 * How fast simulated WhatsApp-Web sessions (WAHA sessions, Evolution instances) move while pairing.
 * Real values: the first QR code lives 60 s, each following one 20 s; WAHA gives up after 6 codes (then FAILED,
 * WAHA docs sessions/-qr-code.md), Evolution after QRCODE_LIMIT codes (default 30; then state "refused").
 *
 * @param startDelay      STARTING / connecting before the first QR code (or before WORKING / open when already paired)
 * @param firstQr         lifetime of the first QR code
 * @param nextQr          lifetime of each following QR code
 * @param wahaMaxQrs      QR codes a WAHA session shows before it turns FAILED
 * @param evolutionQrLimit QR codes an Evolution instance shows before it refuses (QRCODE_LIMIT)
 */
public record PairingTimings(Duration startDelay, Duration firstQr, Duration nextQr, int wahaMaxQrs,
                             int evolutionQrLimit) {

    public PairingTimings {
        if (startDelay == null || startDelay.isNegative()) {
            throw new IllegalArgumentException("startDelay must be >= 0");
        }
        if (firstQr == null || firstQr.isNegative() || firstQr.isZero()
                || nextQr == null || nextQr.isNegative() || nextQr.isZero()) {
            throw new IllegalArgumentException("QR lifetimes must be > 0");
        }
        if (wahaMaxQrs < 1 || evolutionQrLimit < 1) {
            throw new IllegalArgumentException("QR limits must be >= 1");
        }
    }

    public static PairingTimings defaults() {
        return new PairingTimings(Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(20), 6, 30);
    }

    /**
     * For tests: a whole QR cycle in about three seconds, short enough to watch the limit being reached and long
     * enough that a test on a loaded 2-core machine can still scan a code before it expires.
     */
    public static PairingTimings fast() {
        return new PairingTimings(Duration.ofMillis(20), Duration.ofMillis(1_000), Duration.ofMillis(400), 6, 4);
    }
}
