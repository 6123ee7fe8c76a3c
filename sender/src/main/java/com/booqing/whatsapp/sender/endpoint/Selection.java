package com.booqing.whatsapp.sender.endpoint;

import com.booqing.whatsapp.common.endpoint.Endpoint;

import java.util.List;
import java.util.Objects;

/** Where a command goes: an endpoint (with the ones it may fail over to), or why there is none. */
public sealed interface Selection {

    /** @param fallbacks endpoints that may take the message if the chosen one certainly did not send it, in order */
    record Chosen(Endpoint endpoint, List<Endpoint> fallbacks) implements Selection {
        public Chosen {
            Objects.requireNonNull(endpoint, "endpoint");
            fallbacks = List.copyOf(fallbacks);
        }
    }

    /** @param code a stable gateway error code for the send result */
    record NoEndpoint(String code, String reason) implements Selection {
    }
}
