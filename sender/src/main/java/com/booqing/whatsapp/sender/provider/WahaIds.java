package com.booqing.whatsapp.sender.provider;

/**
 * WAHA's serialized message ids, {@code {fromMe}_{chatId}_{id}[_{participant}]} (reference §2.2), e.g.
 * {@code true_31612345678@c.us_3EB0C767D26A1D6A5F8B}: the gateway records the bare {@code id}, and rebuilds the
 * serialized form where WAHA's API needs it (a reaction's {@code messageId}).
 */
final class WahaIds {

    private WahaIds() {
    }

    /** The bare id of a serialized id; anything without the serialized shape is taken as a bare id already. */
    static String bare(String id) {
        String[] parts = id.split("_", 4);
        return isSerialized(parts) ? parts[2] : id;
    }

    static boolean isSerialized(String id) {
        return isSerialized(id.split("_", 4));
    }

    /** The serialized id of a message the chat's other side sent: {@code false_<chatId>_<id>}. */
    static String theirs(String chatId, String bareId) {
        return "false_" + chatId + "_" + bareId;
    }

    private static boolean isSerialized(String[] parts) {
        return parts.length >= 3 && (parts[0].equals("true") || parts[0].equals("false")) && parts[1].contains("@")
                && !parts[2].isEmpty();
    }
}
