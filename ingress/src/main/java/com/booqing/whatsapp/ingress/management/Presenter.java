package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * Turns stored resources (or an outcome's resource) into answers: always {@link Masking#scrub scrubbed}; an
 * endpoint gets the webhook URL derived from WHATSAPP_WEBHOOK_BASE_URL (whatever the store says) and the health
 * monitor's {@code healthStatus} and {@code lastHealthCheck}.
 */
public final class Presenter {
    private final GatewayConfig gateway;
    private final ObjectMapper json;

    public Presenter(GatewayConfig gateway, ObjectMapper json) {
        this.gateway = gateway;
        this.json = json;
    }

    public ObjectNode endpoint(JsonNode stored, EndpointHealth health) {
        ObjectNode n = object(stored);
        String tenantId = Stored.text(n, "tenantId");
        String id = Stored.text(n, "id");
        if (tenantId != null && id != null) {
            n.put("webhookUrl", gateway.webhookUrl(tenantId, id));
        }
        n.put("healthStatus", health == null ? "unknown" : health.state().wireName());
        if (health != null && health.checkedAt() != null) {
            n.put("lastHealthCheck", health.checkedAt().toString());
        } else {
            n.putNull("lastHealthCheck");
        }
        return n;
    }

    public ArrayNode endpoints(List<JsonNode> stored, Map<String, EndpointHealth> health) {
        ArrayNode out = json.createArrayNode();
        for (JsonNode e : stored) {
            out.add(endpoint(e, health.get(Stored.text(e, "id"))));
        }
        return out;
    }

    public ObjectNode device(JsonNode stored) {
        return object(stored);
    }

    public ArrayNode devices(List<JsonNode> stored) {
        ArrayNode out = json.createArrayNode();
        stored.forEach(d -> out.add(device(d)));
        return out;
    }

    /** The brief's WhatsAppConfiguration: the stored configuration with the tenant's endpoints. */
    public ObjectNode config(JsonNode stored, ArrayNode endpoints) {
        ObjectNode n = object(stored);
        n.set("endpoints", endpoints);
        return n;
    }

    public ObjectNode object(JsonNode stored) {
        JsonNode scrubbed = Masking.scrub(stored);
        return scrubbed instanceof ObjectNode o ? o : json.createObjectNode();
    }

    public ObjectMapper json() {
        return json;
    }
}
