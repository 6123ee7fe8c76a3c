package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.json.Json;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The endpoint JSON that Redis may hold: every sealed secret replaced by {@value #MASK} when set and left out
 * when not, so the read API can say "an API key is configured" without ever having the ciphertext.
 */
public final class EndpointMasking {
    public static final String MASK = "***";
    static final List<String> SECRET_FIELDS = List.of("apiKey", "webhookSecret", "verifyToken");
    private static final ObjectMapper MAPPER = Json.strict();

    private EndpointMasking() {
    }

    public static String maskedJson(Endpoint endpoint) {
        ObjectNode node = MAPPER.valueToTree(endpoint);
        for (String field : SECRET_FIELDS) {
            if (node.hasNonNull(field)) {
                node.put(field, MASK);
            } else {
                node.remove(field);
            }
        }
        return node.toString();
    }
}
