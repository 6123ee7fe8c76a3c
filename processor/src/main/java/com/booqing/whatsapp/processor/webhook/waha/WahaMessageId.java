package com.booqing.whatsapp.processor.webhook.waha;

/**
 * WAHA's serialized message id, {@code {fromMe}_{chatId}_{id}[_{participant}]}, e.g.
 * {@code false_11111111111@c.us_AAAAAAAAAAAAAAAAAAAA} (provider-wire-formats.md §2.2; [WAHA-SRC] buildMessageId).
 *
 * <p>The gateway uses the bare {@code id} as the provider message id: it is the same in every WAHA engine,
 * whether the chat is written as {@code @c.us} or {@code @lid}, and it is what a send response's
 * {@code key.id} gives, so receipts find the message the sender recorded.
 *
 * @param fromMe null when the id has no such prefix
 * @param chat   the chat part, null when absent
 */
record WahaMessageId(Boolean fromMe, String chat, String id, String participant) {

    /** Splits a serialized id; an id without the serialized shape is taken as a bare id. */
    static WahaMessageId parse(String serialized) {
        if (serialized == null || serialized.isBlank()) {
            return null;
        }
        String[] parts = serialized.split("_", 4);
        boolean prefixed = parts[0].equals("true") || parts[0].equals("false");
        if (!prefixed || parts.length < 3 || !parts[1].contains("@") || parts[2].isEmpty()) {
            return new WahaMessageId(null, null, serialized, null);
        }
        return new WahaMessageId(Boolean.valueOf(parts[0]), parts[1], parts[2], parts.length == 4 ? parts[3] : null);
    }

    /** The bare id of a serialized one; null stays null. */
    static String bare(String serialized) {
        WahaMessageId parsed = parse(serialized);
        return parsed == null ? null : parsed.id();
    }
}
