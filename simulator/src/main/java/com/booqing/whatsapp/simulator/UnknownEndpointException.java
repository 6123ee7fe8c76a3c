package com.booqing.whatsapp.simulator;

/** No simulated endpoint is registered under the id. */
public final class UnknownEndpointException extends RuntimeException {

    public UnknownEndpointException(String id) {
        super("no simulated endpoint '" + id + "'");
    }
}
