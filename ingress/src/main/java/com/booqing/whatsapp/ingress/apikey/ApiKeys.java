package com.booqing.whatsapp.ingress.apikey;

import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.ingress.management.NewIds;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tenant API keys: {@code wak_<keyId>_<secret>}, where keyId is {@code key_<16 base62>} and secret is 40 base62
 * characters (238 bits). The visible prefix {@code wak_<keyId>} names the key in lists and logs; only the SHA-256
 * of the whole key is stored, and the key itself is shown once, when issued.
 */
public final class ApiKeys {
    public static final String PREFIX = "wak_";
    public static final int SECRET_LENGTH = 40;
    private static final Pattern KEY = Pattern.compile("wak_(key_[A-Za-z0-9]{16})_([A-Za-z0-9]{40})");
    private static final Pattern KEY_ID = Pattern.compile("key_[A-Za-z0-9]{16}");

    private ApiKeys() {
    }

    /** A new key: the plaintext to show once, and what is stored. */
    public record Issued(String plaintext, ApiKey key) {
        @Override
        public String toString() {
            return "Issued[" + key.prefix() + "]";
        }
    }

    public static Issued issue(String tenantId, Instant now, NewIds ids) {
        String keyId = "key_" + ids.base62(16);
        String plaintext = PREFIX + keyId + "_" + ids.base62(SECRET_LENGTH);
        return new Issued(plaintext, new ApiKey(keyId, tenantId, PREFIX + keyId, sha256Hex(plaintext), now, null));
    }

    /** The key id of a well-formed key, or empty when the token is not one. */
    public static Optional<String> keyIdOf(String token) {
        if (token == null || token.length() > 100) {
            return Optional.empty();
        }
        Matcher m = KEY.matcher(token);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public static boolean isKeyId(String keyId) {
        return keyId != null && KEY_ID.matcher(keyId).matches();
    }

    /** The stored key accepts the token: not revoked, and the digests equal (compared in constant time). */
    public static boolean matches(String token, ApiKey key) {
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(key.sha256Hex());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean equal = MessageDigest.isEqual(sha256(token), expected);
        return equal && !key.revoked();
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
