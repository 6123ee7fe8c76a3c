package com.booqing.whatsapp.ingress.device;

/**
 * Optional body of {@code POST /api/whatsapp/devices/{deviceId}?action=connect}: with a phone number (the
 * WhatsApp account's, in international format) the provider is asked for a pairing code instead of a QR code.
 */
public record ConnectRequest(String phoneNumber) {
}
