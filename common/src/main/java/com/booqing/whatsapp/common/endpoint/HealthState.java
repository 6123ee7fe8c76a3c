package com.booqing.whatsapp.common.endpoint;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The brief's endpoint health states. */
public enum HealthState {
    HEALTHY, UNHEALTHY, UNKNOWN;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static HealthState fromWire(String name) {
        return valueOf(name.toUpperCase());
    }
}
