package com.booqing.whatsapp.simulator.evolution;

import com.booqing.whatsapp.simulator.provider.OutboundWebhook;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Evolution webhook posts (webhook.controller.ts emit; provider-wire-formats.md §3.1-3.2): body {event, instance, data,
 * destination, date_time, sender, server_url, apikey}, the instance's static headers, and — when the headers name a
 * jwt_key — {@code Authorization: Bearer <HS256 JWT>} in its place. No body signature. With byEvents the post goes to
 * {@code <url>/<event-kebab>}; destination stays the configured URL. Evolution stops retrying at 400, 401, 403, 404
 * and 422.
 */
final class EvolutionWebhooks {

    static final Set<Integer> NON_RETRYABLE = Set.of(400, 401, 403, 404, 422);
    /** JavaScript's Date.toISOString(): always milliseconds, always "Z". */
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ObjectMapper json;

    EvolutionWebhooks(ObjectMapper json) {
        this.json = json;
    }

    OutboundWebhook post(String event, String kind, String about, String instance, JsonNode data, String destination,
                         String sender, String serverUrl, Instant at, EvolutionWebhookConfig config) {
        ObjectNode root = json.createObjectNode();
        root.put("event", event);
        root.put("instance", instance);
        root.set("data", data);
        if (destination == null) {
            root.putNull("destination");
        } else {
            root.put("destination", destination);
        }
        root.put("date_time", ISO_MILLIS.format(at));
        if (sender != null) {
            root.put("sender", sender);
        }
        root.put("server_url", serverUrl);
        root.putNull("apikey");
        byte[] body;
        try {
            body = json.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render webhook", e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.putAll(config.headers());
        if (config.jwtKey() != null) {
            headers.put("Authorization", "Bearer " + Jwt.webhookToken(json, config.jwtKey(), at.getEpochSecond()));
        }
        String suffix = config.byEvents() ? "/" + EvolutionWebhookConfig.pathSegment(event) : "";
        return new OutboundWebhook(about, kind, body, headers, suffix, NON_RETRYABLE);
    }
}
