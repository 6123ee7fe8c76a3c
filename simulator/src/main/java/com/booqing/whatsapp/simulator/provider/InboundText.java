package com.booqing.whatsapp.simulator.provider;

import java.time.Instant;
import java.util.Objects;

/**
 * A text message a WhatsApp user sends to the simulated number.
 *
 * @param from digits of the sender's phone number (wa_id), or null when the sender is only known by its LID
 * @param lid  digits of the sender's hidden LID ({@code <digits>@lid}), or null for a phone-addressed message
 * @param name the sender's profile name, or null
 */
public record InboundText(String from, String lid, String name, String text, Instant at) {

    public InboundText {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(at, "at");
        from = digits("from", from);
        lid = digits("lid", lid);
        if (from == null && lid == null) {
            throw new IllegalArgumentException("a phone number (from) or a lid is required");
        }
    }

    /** A phone-addressed message. */
    public InboundText(String from, String name, String text, Instant at) {
        this(Objects.requireNonNull(from, "from"), null, name, text, at);
    }

    public boolean fromLid() {
        return lid != null;
    }

    private static String digits(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        if (field.equals("lid") && trimmed.endsWith("@lid")) {
            trimmed = trimmed.substring(0, trimmed.length() - "@lid".length());
        }
        if (trimmed.startsWith("+")) {
            trimmed = trimmed.substring(1);
        }
        if (!trimmed.matches("\\d{5,20}")) {
            throw new IllegalArgumentException(field + " must be digits (5 to 20), got '" + value + "'");
        }
        return trimmed;
    }
}
