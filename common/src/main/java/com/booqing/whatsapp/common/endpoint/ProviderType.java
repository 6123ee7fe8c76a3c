package com.booqing.whatsapp.common.endpoint;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of WhatsApp API server an endpoint can be. The wire names are the REST API's. */
public enum ProviderType {
    CLOUD_API("cloud-api"),
    WAHA("waha"),
    EVOLUTION("evolution");

    private final String wireName;

    ProviderType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ProviderType fromWire(String name) {
        for (ProviderType p : values()) {
            if (p.wireName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown provider '" + name + "' (expected cloud-api, waha or evolution)");
    }
}
