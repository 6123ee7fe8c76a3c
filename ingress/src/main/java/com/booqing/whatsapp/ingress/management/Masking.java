package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.crypto.SecretMask;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Secrets in API responses:
 * <ul>
 *   <li>{@link #mask(String)} of the plaintext: common's {@link SecretMask}, the rule the processor also uses when
 *       it renders endpoints into outcomes and Redis ({@code EAAG****9fQx}, {@code ****9fQx}, {@code ****}).</li>
 *   <li>{@link #scrub(JsonNode)} on everything the ingress answers: fields named like secrets
 *       ({@link #SECRET_FIELDS}) that do not already hold a mask become {@code ****} (a sealed token, or a
 *       plaintext that slipped through, is never shown), and {@link #REMOVED_FIELDS} (key hashes, session data)
 *       are dropped — at any depth.</li>
 * </ul>
 */
public final class Masking {
    public static final String HIDDEN = SecretMask.HIDDEN;
    public static final Set<String> SECRET_FIELDS = Set.of("apiKey", "accessToken", "appSecret", "hmacKey",
            "webhookSecret", "verifyToken", "jwtKey", "secret", "password", "token");
    public static final Set<String> REMOVED_FIELDS = Set.of("sha256Hex", "sessionData", "session");

    private Masking() {
    }

    /** {@link SecretMask#of}, the one rule of the gateway; null stays null (no secret, no field). */
    public static String mask(String plaintext) {
        return plaintext == null ? null : SecretMask.of(plaintext);
    }

    /** A value {@link #mask(String)} could have produced: {@code ****}, {@code ****wxyz} or {@code abcd****wxyz}. */
    public static boolean isMask(String value) {
        if (value == null) {
            return false;
        }
        int at = value.indexOf(HIDDEN);
        if (at < 0) {
            return false;
        }
        int head = value.codePointCount(0, at);
        int tail = value.codePointCount(at + HIDDEN.length(), value.length());
        return head == 0 && (tail == 0 || tail == SecretMask.SHOWN) || head == SecretMask.SHOWN && tail == SecretMask.SHOWN;
    }

    /** A copy of the JSON with secrets masked and hashes and session data dropped. */
    public static JsonNode scrub(JsonNode node) {
        if (node == null) {
            return null;
        }
        JsonNode copy = node.deepCopy();
        scrubInPlace(copy);
        return copy;
    }

    private static void scrubInPlace(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (REMOVED_FIELDS.contains(name)) {
                    object.remove(name);
                } else if (SECRET_FIELDS.contains(name) && !value.isNull()) {
                    if (!(value.isTextual() && isMask(value.asText()))) {
                        object.set(name, TextNode.valueOf(HIDDEN));
                    }
                } else {
                    scrubInPlace(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(Masking::scrubInPlace);
        }
    }
}
