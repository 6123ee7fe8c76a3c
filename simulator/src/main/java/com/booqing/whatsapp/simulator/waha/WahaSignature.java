package com.booqing.whatsapp.simulator.waha;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * WAHA's webhook signature: {@code X-Webhook-Hmac: <hex HMAC-SHA512(hmac.key, raw body)>} with
 * {@code X-Webhook-Hmac-Algorithm: sha512}, no prefix (WAHA src/core/integrations/webhooks/WebhookSender.ts
 * calculateHmac; provider-wire-formats.md §2.2).
 */
public final class WahaSignature {

    public static final String HEADER = "X-Webhook-Hmac";
    public static final String ALGORITHM_HEADER = "X-Webhook-Hmac-Algorithm";
    public static final String ALGORITHM = "sha512";

    private WahaSignature() {
    }

    public static String sign(String key, byte[] rawBody) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
            return HexFormat.of().formatHex(mac.doFinal(rawBody));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 unavailable", e);
        }
    }
}
