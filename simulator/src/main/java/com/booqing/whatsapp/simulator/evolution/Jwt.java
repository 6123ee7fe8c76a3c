package com.booqing.whatsapp.simulator.evolution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * The webhook token Evolution signs with {@code headers.jwt_key}: jsonwebtoken's
 * {@code jwt.sign({iat, exp: iat + 600, app: "evolution", action: "webhook"}, key, {algorithm: "HS256"})}
 * (webhook.controller.ts generateJwtToken) — header {"alg":"HS256","typ":"JWT"}, base64url without padding.
 */
public final class Jwt {

    public static final long LIFETIME_SECONDS = 600;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private Jwt() {
    }

    public static String webhookToken(ObjectMapper json, String key, long iatSeconds) {
        ObjectNode payload = json.createObjectNode();
        payload.put("iat", iatSeconds);
        payload.put("exp", iatSeconds + LIFETIME_SECONDS);
        payload.put("app", "evolution");
        payload.put("action", "webhook");
        try {
            String signingInput = BASE64URL.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
                    .getBytes(StandardCharsets.UTF_8)) + "." + BASE64URL.encodeToString(json.writeValueAsBytes(payload));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + BASE64URL.encodeToString(
                    mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a webhook token", e);
        }
    }
}
