package com.booqing.whatsapp.common.message;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a message is. Statuses only move forward in this order; FAILED is terminal.
 * PENDING is the gateway's own state between accepting a send and the provider's answer.
 */
public enum MessageStatus {
    PENDING(0), SENT(1), DELIVERED(2), READ(3), PLAYED(4), FAILED(100);

    private final int rank;

    MessageStatus(int rank) {
        this.rank = rank;
    }

    /** True when a message in this status may move to {@code next}. */
    public boolean canMoveTo(MessageStatus next) {
        return this != FAILED && next.rank > rank;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static MessageStatus fromWire(String name) {
        return valueOf(name.toUpperCase());
    }
}
