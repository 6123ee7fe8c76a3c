package com.booqing.whatsapp.health.provider;

import com.booqing.whatsapp.common.endpoint.Endpoint;

import java.time.Duration;

/**
 * One endpoint's session, as a provider call needs it: where, with which key (opened just for the call), within
 * which timeout.
 */
public record SessionCall(Endpoint endpoint, String apiKey, Duration timeout) {

    /** Never shows the key. */
    @Override
    public String toString() {
        return "SessionCall[endpoint=" + endpoint.id() + ", apiKey=***, timeout=" + timeout + "]";
    }
}
