package com.booqing.whatsapp.ingress.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Map;

/**
 * A stored message as the read API shows it: the processor's Redis hash, with {@code content} and
 * {@code history} turned back into JSON. Fields the processor did not set are left out of the response.
 */
public record MessageView(
        String id,
        String tenantId,
        String conversationId,
        String direction,
        String phone,
        String lid,
        String contactName,
        String provider,
        String endpointId,
        String providerMessageId,
        String type,
        JsonNode content,
        String status,
        String timestamp,
        String updatedAt,
        String errorCode,
        String errorTitle,
        JsonNode history) {

    public static MessageView fromHash(Map<String, String> h, ObjectMapper mapper) {
        JsonNode history = json(h.get("history"), mapper);
        return new MessageView(h.get("id"), h.get("tenantId"), h.get("conversationId"), h.get("direction"),
                h.get("phone"), h.get("lid"), h.get("contactName"), h.get("provider"), h.get("endpointId"),
                h.get("providerMessageId"), h.get("type"), json(h.get("content"), mapper), h.get("status"),
                h.get("timestamp"), h.get("updatedAt"), h.get("errorCode"), h.get("errorTitle"),
                history == null ? mapper.createArrayNode() : history);
    }

    /** Stored JSON that no longer parses is shown as the string it is rather than hidden. */
    private static JsonNode json(String raw, ObjectMapper mapper) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return mapper.readTree(raw);
        } catch (Exception e) {
            return TextNode.valueOf(raw);
        }
    }
}
