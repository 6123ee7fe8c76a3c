package com.booqing.whatsapp.simulator.cloudapi;

import java.util.Objects;

/**
 * One simulated Cloud API phone number and the app it belongs to.
 *
 * @param phoneNumberId      the Graph id of the business phone number (path segment of the send URL)
 * @param accessToken        the Bearer token the number accepts
 * @param appSecret          the app secret that signs webhooks (X-Hub-Signature-256)
 * @param displayPhoneNumber the number as shown in webhooks' metadata and the health probe
 * @param verifiedName       the business display name returned by the health probe
 * @param wabaId             the WhatsApp Business Account id used as entry[].id in webhooks
 */
public record CloudApiSettings(String phoneNumberId, String accessToken, String appSecret, String displayPhoneNumber,
                               String verifiedName, String wabaId) {

    public CloudApiSettings {
        requireText("phoneNumberId", phoneNumberId);
        requireText("accessToken", accessToken);
        requireText("appSecret", appSecret);
        if (phoneNumberId.contains("/")) {
            throw new IllegalArgumentException("phoneNumberId must not contain '/'");
        }
        displayPhoneNumber = blankToNull(displayPhoneNumber) == null ? "15550000000" : displayPhoneNumber;
        verifiedName = blankToNull(verifiedName) == null ? "Booqing Simulator" : verifiedName;
        wabaId = blankToNull(wabaId) == null ? defaultWabaId(phoneNumberId) : wabaId;
    }

    public static CloudApiSettings of(String phoneNumberId, String accessToken, String appSecret) {
        return new CloudApiSettings(phoneNumberId, accessToken, appSecret, null, null, null);
    }

    /** Never shows the token or the secret. */
    @Override
    public String toString() {
        return "CloudApiSettings[phoneNumberId=" + phoneNumberId + ", displayPhoneNumber=" + displayPhoneNumber
                + ", wabaId=" + wabaId + ", accessToken=***, appSecret=***]";
    }

    private static String defaultWabaId(String phoneNumberId) {
        // Stable per number so repeated runs produce comparable fixtures.
        long n = Math.abs((long) Objects.hash("waba", phoneNumberId)) % 1_000_000_000L;
        return String.format("1%014d", n);
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
