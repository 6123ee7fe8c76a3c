package com.booqing.whatsapp.common.crypto;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AES-256-GCM for secrets at rest (endpoint credentials, device session data). Each ciphertext names the key
 * that sealed it, so keys rotate: new values use the current key, old ones still open with theirs. The
 * associated data binds a ciphertext to its owner (tenant, endpoint or device, field): copied elsewhere, it
 * does not open.
 *
 * <p>Keys come from WHATSAPP_ENCRYPTION_KEYS, {@code id:base64key[,id:base64key...]}, the first one current.
 */
public final class SecretBox {
    public static final String ENV = "WHATSAPP_ENCRYPTION_KEYS";
    private static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final String currentKeyId;
    private final Map<String, SecretKeySpec> keys;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(Map<String, byte[]> keysInOrder) {
        if (keysInOrder.isEmpty()) {
            throw new ConfigException(ENV, "must name at least one key");
        }
        Map<String, SecretKeySpec> k = new LinkedHashMap<>();
        keysInOrder.forEach((id, bytes) -> {
            if (!id.matches("[A-Za-z0-9_-]{1,32}")) {
                throw new ConfigException(ENV, "has a key id that is not 1-32 letters, digits, '_' or '-'");
            }
            if (bytes.length != 32) {
                throw new ConfigException(ENV, "key '" + id + "' must be 32 bytes (base64 of 256 random bits)");
            }
            k.put(id, new SecretKeySpec(bytes, "AES"));
        });
        this.keys = Map.copyOf(k);
        this.currentKeyId = keysInOrder.keySet().iterator().next();
    }

    /** Refuses to start without a key rather than store secrets in clear. */
    public static SecretBox fromEnv(Env env) {
        String raw = env.required(ENV);
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String part : raw.split(",")) {
            String p = part.trim();
            int colon = p.indexOf(':');
            if (colon <= 0) {
                throw new ConfigException(ENV, "must be a list of id:base64key");
            }
            try {
                keys.put(p.substring(0, colon), Base64.getDecoder().decode(p.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(ENV, "has a key that is not valid base64");
            }
        }
        return new SecretBox(keys);
    }

    public String currentKeyId() {
        return currentKeyId;
    }

    public Sealed seal(String plaintext, String context) {
        return seal(plaintext.getBytes(StandardCharsets.UTF_8), context);
    }

    public Sealed seal(byte[] plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(currentKeyId, context));
            byte[] ct = c.doFinal(plaintext);
            byte[] out = new byte[NONCE_BYTES + ct.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(ct, 0, out, NONCE_BYTES, ct.length);
            return new Sealed(VERSION + "." + currentKeyId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(out));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    public String openString(Sealed sealed, String context) {
        return new String(open(sealed, context), StandardCharsets.UTF_8);
    }

    /** @throws SealedSecretException when the token is malformed, its key unknown, or it belongs elsewhere */
    public byte[] open(Sealed sealed, String context) {
        String[] parts = sealed.token().split("\\.", 3);
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            throw new SealedSecretException("not a sealed secret");
        }
        SecretKeySpec key = keys.get(parts[1]);
        if (key == null) {
            throw new SealedSecretException("sealed with an unknown key id");
        }
        byte[] data;
        try {
            data = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new SealedSecretException("not a sealed secret");
        }
        if (data.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new SealedSecretException("sealed secret is truncated");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
            c.updateAAD(aad(parts[1], context));
            return c.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new SealedSecretException("sealed secret does not belong here or was altered");
        } catch (GeneralSecurityException e) {
            throw new SealedSecretException("sealed secret cannot be opened");
        }
    }

    /** True when the value was sealed with an older key and should be re-sealed. */
    public boolean needsRotation(Sealed sealed) {
        String[] parts = sealed.token().split("\\.", 3);
        return parts.length < 2 || !currentKeyId.equals(parts[1]);
    }

    private static byte[] aad(String keyId, String context) {
        return (VERSION + "|" + keyId + "|" + context).getBytes(StandardCharsets.UTF_8);
    }

    public static final class SealedSecretException extends RuntimeException {
        public SealedSecretException(String message) {
            super(message);
        }
    }
}
