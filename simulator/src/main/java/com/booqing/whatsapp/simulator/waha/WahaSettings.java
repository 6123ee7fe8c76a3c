package com.booqing.whatsapp.simulator.waha;

import java.util.Objects;

/**
 * One simulated WAHA server with one session.
 *
 * @param sessionName the session's name (WAHA Core only allows "default"; Plus any name)
 * @param apiKey      the X-Api-Key the server accepts (WAHA_API_KEY)
 * @param hmacKey     the key that signs webhooks (config.webhooks[].hmac.key), or null for unsigned webhooks
 * @param ownNumber   digits of the WhatsApp account linked to the session ("me")
 * @param pushName    the account's profile name
 * @param paired      whether the session starts WORKING (true) or STOPPED and unpaired, to be started and scanned
 */
public record WahaSettings(String sessionName, String apiKey, String hmacKey, String ownNumber, String pushName,
                           boolean paired) {

    public WahaSettings {
        if (sessionName == null || !sessionName.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("sessionName must match [A-Za-z0-9_-]{1,64}, got '" + sessionName + "'");
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey is required");
        }
        hmacKey = hmacKey == null || hmacKey.isBlank() ? null : hmacKey;
        ownNumber = ownNumber == null || ownNumber.isBlank() ? defaultNumber(sessionName) : ownNumber.trim();
        if (!ownNumber.matches("\\d{5,20}")) {
            throw new IllegalArgumentException("ownNumber must be digits, got '" + ownNumber + "'");
        }
        pushName = pushName == null || pushName.isBlank() ? "Booqing Simulator" : pushName;
    }

    public static WahaSettings of(String sessionName, String apiKey, String hmacKey) {
        return new WahaSettings(sessionName, apiKey, hmacKey, null, null, true);
    }

    /** Never shows the API key or the HMAC key. */
    @Override
    public String toString() {
        return "WahaSettings[sessionName=" + sessionName + ", ownNumber=" + ownNumber + ", paired=" + paired
                + ", apiKey=***, hmacKey=" + (hmacKey == null ? "none" : "***") + "]";
    }

    private static String defaultNumber(String sessionName) {
        // Stable per session so repeated runs produce comparable fixtures.
        long n = Math.abs((long) Objects.hash("waha", sessionName)) % 10_000_000L;
        return String.format("1555%07d", n);
    }
}
