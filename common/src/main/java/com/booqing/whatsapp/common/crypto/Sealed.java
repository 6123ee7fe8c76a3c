package com.booqing.whatsapp.common.crypto;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;

/**
 * A secret encrypted by {@link SecretBox}: {@code v1.<keyId>.<base64 nonce+ciphertext+tag>}. Its
 * {@link #toString()} never shows the ciphertext either, so a sealed value in a log line says nothing.
 */
public record Sealed(String token) {

    public Sealed {
        Objects.requireNonNull(token, "token");
    }

    @JsonCreator
    public static Sealed of(String token) {
        return new Sealed(token);
    }

    @JsonValue
    public String token() {
        return token;
    }

    @Override
    public String toString() {
        return "Sealed[***]";
    }
}
