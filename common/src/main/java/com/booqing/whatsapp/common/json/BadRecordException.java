package com.booqing.whatsapp.common.json;

/** Thrown by {@link JsonSerde}'s deserializer; carries the bytes so a handler can dead-letter them. */
public final class BadRecordException extends RuntimeException {
    private final transient byte[] original;

    public BadRecordException(String reason, byte[] original) {
        super(reason);
        this.original = original == null ? new byte[0] : original.clone();
    }

    public byte[] original() {
        return original.clone();
    }
}
