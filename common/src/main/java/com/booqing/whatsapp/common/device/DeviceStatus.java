package com.booqing.whatsapp.common.device;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The brief's device states. */
public enum DeviceStatus {
    CONNECTED, DISCONNECTED, CONNECTING, PAIRING, ERROR;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static DeviceStatus fromWire(String name) {
        return valueOf(name.toUpperCase());
    }
}
