package com.booqing.whatsapp.ingress.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Comparisons of secrets that take the same time however much of the guess is right. */
public final class ConstantTime {
    private ConstantTime() {
    }

    /**
     * Compares SHA-256 digests rather than the strings, so neither the content nor the length of the secret
     * shows in the timing. Null on either side is never equal.
     */
    public static boolean equals(String given, String expected) {
        if (given == null || expected == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
