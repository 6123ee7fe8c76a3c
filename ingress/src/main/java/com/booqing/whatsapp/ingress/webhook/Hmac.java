package com.booqing.whatsapp.ingress.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/** The HMACs providers sign webhooks with. */
public final class Hmac {
    static final String SHA256 = "HmacSHA256";
    static final String SHA512 = "HmacSHA512";

    private Hmac() {
    }

    public static byte[] sha256(byte[] key, byte[] data) {
        return initialised(SHA256, key).doFinal(data);
    }

    public static byte[] sha512(byte[] key, byte[] data) {
        return initialised(SHA512, key).doFinal(data);
    }

    static Mac initialised(String algorithm, byte[] key) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " unavailable", e);
        }
    }

    /** A fresh copy of an initialised, unused HMAC (the prototype itself is never updated, so it can be shared). */
    static Mac cloneOf(Mac prototype) {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(prototype.getAlgorithm() + " cannot be cloned", e);
        }
    }
}
