package com.booqing.whatsapp.simulator.provider;

/**
 * The linked-device session of a provider that drives WhatsApp Web (WAHA session, Evolution instance): it must be
 * paired by scanning a QR code or entering a pairing code before it can send.
 */
public interface Pairing {

    /** The status in the provider's own words: WAHA "WORKING", "SCAN_QR_CODE"...; Evolution "open", "connecting"... */
    String status();

    /** Whether messages can be sent now. */
    boolean connected();

    /** The phone scans the QR code currently shown. Fails when no QR code is waiting. */
    void scanQr();

    /** The phone owner enters the pairing code the provider issued. Fails when it is not the code last issued. */
    void confirmPairingCode(String code);
}
