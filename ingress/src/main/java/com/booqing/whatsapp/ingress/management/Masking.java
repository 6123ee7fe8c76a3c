package com.booqing.whatsapp.ingress.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The masking rule for secrets in API responses, shared by whoever renders a resource (the processor renders
 * endpoints into outcomes and Redis; the ingress renders what it reads):
 * <ul>
 *   <li>{@link #mask(String)} of the plaintext: 24 characters or more show the first four and the last four
 *       ({@code EAAG****9fQx}); 12 to 23 show only the last four ({@code ****9fQx}); shorter ones nothing
 *       ({@code ****}). Never more than a third of the secret, never more than eight characters of it.</li>
 *   <li>{@link #scrub(JsonNode)} on everything the ingress answers: fields named like secrets
 *       ({@link #SECRET_FIELDS}) that do not already hold a mask become {@code ****} (a sealed token, or a
 *       plaintext that slipped through, is never shown), and {@link #REMOVED_FIELDS} (key hashes, session data)
 *       are dropped — at any depth.</li>
 * </ul>
 */
public final class Masking {
    public static final String HIDDEN = "****";
    public static final Set<String> SECRET_FIELDS = Set.of("apiKey", "accessToken", "appSecret", "hmacKey",
            "webhookSecret", "verifyToken", "jwtKey", "secret", "password", "token");
    public static final Set<String> REMOVED_FIELDS = Set.of("sha256Hex", "sessionData", "session");
    private static final int MAX_MASK_LENGTH = 4 + HIDDEN.length() + 4;

    private Masking() {
    }

    public static String mask(String plaintext) {
        if (plaintext == null) {
            return null;
        }
        int n = plaintext.length();
        if (n >= 24) {
            return plaintext.substring(0, 4) + HIDDEN + plaintext.substring(n - 4);
        }
        if (n >= 12) {
            return HIDDEN + plaintext.substring(n - 4);
        }
        return HIDDEN;
    }

    /** A value {@link #mask(String)} could have produced. */
    public static boolean isMask(String value) {
        return value != null && value.length() <= MAX_MASK_LENGTH && value.contains(HIDDEN);
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
