package com.booqing.whatsapp.simulator.provider;

import java.time.Instant;
import java.util.Objects;

/**
 * A text message a WhatsApp user sends to the simulated number.
 *
 * @param from digits of the sender's phone number (wa_id)
 * @param name the sender's profile name, or null
 */
public record InboundText(String from, String name, String text, Instant at) {

    public InboundText {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(at, "at");
        from = from.startsWith("+") ? from.substring(1) : from;
        if (!from.matches("\\d{5,20}")) {
            throw new IllegalArgumentException("from must be a phone number in digits, got '" + from + "'");
        }
    }
}
