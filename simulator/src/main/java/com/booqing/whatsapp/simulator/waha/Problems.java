package com.booqing.whatsapp.simulator.waha;

import java.util.ArrayList;
import java.util.List;

/** Validation messages collected for one request; nested objects prefix their field paths ("message.sections.0."). */
final class Problems {

    private final List<String> messages;
    private final String prefix;

    Problems() {
        this(new ArrayList<>(), "");
    }

    private Problems(List<String> messages, String prefix) {
        this.messages = messages;
        this.prefix = prefix;
    }

    Problems in(String path) {
        return new Problems(messages, prefix + path + ".");
    }

    void add(String message) {
        messages.add(prefix + message);
    }

    /** Answers 400 with every message when there is one. */
    void throwIfAny() {
        if (!messages.isEmpty()) {
            throw WahaErrors.validation(messages);
        }
    }
}
