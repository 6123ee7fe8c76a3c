package com.booqing.whatsapp.simulator;

import java.util.Locale;

/** Delivery states a provider reports for a message the business sent; each provider spells them its own way. */
public enum Receipt {
    SENT, DELIVERED, READ, PLAYED, FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Receipt fromWire(String name) {
        for (Receipt receipt : values()) {
            if (receipt.wireName().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return receipt;
            }
        }
        throw new IllegalArgumentException("status must be one of sent, delivered, read, played, failed; got '" + name + "'");
    }
}
