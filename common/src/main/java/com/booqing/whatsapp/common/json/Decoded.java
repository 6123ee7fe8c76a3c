package com.booqing.whatsapp.common.json;

/**
 * The outcome of decoding untrusted bytes: a value, or the reason it could not be read together with the
 * original bytes, so that the caller can route the record to a dead-letter topic instead of crashing.
 */
public sealed interface Decoded<T> {

    record Ok<T>(T value) implements Decoded<T> {
    }

    record Bad<T>(String reason, byte[] original) implements Decoded<T> {
    }

    static <T> Decoded<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Decoded<T> bad(String reason, byte[] original) {
        return new Bad<>(reason, original);
    }
}
