package com.booqing.whatsapp.health;

import java.util.Objects;

/** What one probe of an endpoint found. */
public sealed interface ProbeResult {

    /** The endpoint answered as a working one. */
    record Up(long latencyMs) implements ProbeResult {
    }

    /**
     * The endpoint did not answer, answered with an error, or took too long.
     *
     * @param error short and safe to publish: never a secret, never a response body
     */
    record Down(String error, Long latencyMs) implements ProbeResult {
        public Down {
            Objects.requireNonNull(error, "error");
        }
    }

    /** There is no probe for this kind of endpoint; its health stays unknown. */
    record NotProbed(String reason) implements ProbeResult {
        public NotProbed {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
