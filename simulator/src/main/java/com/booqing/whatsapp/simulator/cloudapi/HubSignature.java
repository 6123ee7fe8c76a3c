package com.booqing.whatsapp.simulator.cloudapi;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Meta's webhook signature: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>}
 * (WhatsApp-Nodejs-SDK utils.ts generateXHub256Sig; provider-wire-formats.md §1.2).
 */
public final class HubSignature {

    public static final String HEADER = "X-Hub-Signature-256";

    private HubSignature() {
    }

    public static String sign(String appSecret, byte[] rawBody) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(rawBody));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
