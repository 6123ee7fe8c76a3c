package com.booqing.whatsapp.simulator.waha;

import com.booqing.whatsapp.simulator.provider.OutboundWebhook;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * WAHA webhook posts (provider-wire-formats.md §2.1-2.2): the envelope of populateSessionInfo
 * (src/core/abc/manager.abc.ts) — {id:"evt_<ulid>", timestamp (ms), event, session, metadata?, me, payload, engine,
 * environment} — and WebhookSender's headers: content-type, User-Agent, X-Webhook-Request-Id, X-Webhook-Timestamp
 * (= envelope timestamp), custom headers, and X-Webhook-Hmac / X-Webhook-Hmac-Algorithm when a key is set.
 */
final class WahaWebhooks {

    static final String ENGINE = "WEBJS";

    private final ObjectMapper json;

    WahaWebhooks(ObjectMapper json) {
        this.json = json;
    }

    OutboundWebhook post(String event, String kind, String about, String session, JsonNode metadata, JsonNode me,
                         JsonNode payload, Instant at, WahaWebhookTarget target) {
        ObjectNode root = json.createObjectNode();
        root.put("id", WahaIds.eventId(at));
        root.put("timestamp", at.toEpochMilli());
        root.put("event", event);
        root.put("session", session);
        if (metadata != null && !metadata.isNull() && !metadata.isMissingNode()) {
            root.set("metadata", metadata);
        }
        root.set("me", me == null ? json.nullNode() : me);
        root.set("payload", payload);
        root.put("engine", ENGINE);
        root.set("environment", environment());
        byte[] body;
        try {
            body = json.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render webhook", e);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "WAHA/" + WahaErrors.VERSION);
        headers.put("X-Webhook-Request-Id", WahaIds.requestId());
        headers.put("X-Webhook-Timestamp", Long.toString(at.toEpochMilli()));
        headers.putAll(target.customHeaders());
        if (target.hmacKey() != null) {
            headers.put(WahaSignature.HEADER, WahaSignature.sign(target.hmacKey(), body));
            headers.put(WahaSignature.ALGORITHM_HEADER, WahaSignature.ALGORITHM);
        }
        return new OutboundWebhook(about, kind, body, headers);
    }

    /** src/version.ts VERSION for a Plus image running WEBJS in Chrome. */
    private ObjectNode environment() {
        ObjectNode environment = json.createObjectNode();
        environment.put("version", WahaErrors.VERSION);
        environment.put("engine", ENGINE);
        environment.put("tier", "PLUS");
        environment.put("browser", "/usr/bin/google-chrome-stable");
        environment.put("platform", "linux/x64");
        environment.putObject("worker").putNull("id");
        return environment;
    }
}
