package com.booqing.whatsapp.sender.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small helpers for building request bodies from message content. */
final class Fields {
    private Fields() {
    }

    static String required(String value, String field) throws InvalidContentException {
        if (value == null || value.isBlank()) {
            throw new InvalidContentException(field + " is required");
        }
        return value;
    }

    static void optional(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }

    static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** Recipients as digits only (WAHA, Evolution); {@code to} is E.164 by the time an adapter sees it. */
    static String digits(String e164) {
        return e164.startsWith("+") ? e164.substring(1) : e164;
    }
}
