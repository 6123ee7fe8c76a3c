package com.booqing.whatsapp.ingress.conversation;

import java.util.Map;

/** A conversation as the read API shows it: the processor's Redis hash, with the count as a number. */
public record ConversationView(
        String id,
        String tenantId,
        String phone,
        String lid,
        String contactName,
        String lastMessageId,
        String lastMessageAt,
        String lastMessagePreview,
        Long messageCount) {

    public static ConversationView fromHash(Map<String, String> h) {
        return new ConversationView(h.get("id"), h.get("tenantId"), h.get("phone"), h.get("lid"),
                h.get("contactName"), h.get("lastMessageId"), h.get("lastMessageAt"), h.get("lastMessagePreview"),
                count(h.get("messageCount")));
    }

    private static Long count(String raw) {
        try {
            return raw == null ? null : Long.valueOf(raw);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
