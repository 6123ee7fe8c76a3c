package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.ingress.device.QrImages;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The stream's events and how they are written. Every field is named here: nothing is passed through from a
 * record, so no secret (an endpoint's sealed keys, a device's session) and no phone number can reach a watcher.
 * A QR code's raw value is sent on purpose: it is meant to be shown (and rendered here as a PNG).
 */
final class LiveEvents {
    static final String OPEN = "stream.open";
    static final String ENDPOINT_HEALTH = "endpoint.health";
    static final String DEVICE_STATUS = "device.status";
    static final String DEVICE_QR = "device.qr";
    static final String FAILOVER = "failover";
    static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper json;

    LiveEvents(ObjectMapper json) {
        this.json = json;
    }

    /** One SSE frame. JSON written by Jackson has no raw line breaks, so one {@code data:} line is enough. */
    static byte[] frame(String id, String event, String data) {
        StringBuilder b = new StringBuilder(data.length() + 64);
        if (id != null) {
            b.append("id: ").append(id).append('\n');
        }
        b.append("event: ").append(event).append('\n');
        b.append("data: ").append(data).append("\n\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Sent first on every connection: how long a browser waits before reconnecting. */
    static byte[] preamble(long retryMillis) {
        return ("retry: " + retryMillis + "\n\n").getBytes(StandardCharsets.US_ASCII);
    }

    String open(String tenantId, boolean resumed, Instant at) {
        ObjectNode n = json.createObjectNode();
        n.put("tenantId", tenantId);
        n.put("resumed", resumed);
        n.put("at", text(at));
        return write(n);
    }

    /**
     * @param endpoint the endpoint as the ingress knows it (name, provider, role), or null
     * @param health   the monitor's latest view, or null when it has not checked the endpoint yet
     * @param stale    true when the check is too old to say anything about now: the state is then "unknown"
     */
    String endpointHealth(String endpointId, Endpoint endpoint, EndpointHealth health, boolean stale) {
        ObjectNode n = json.createObjectNode();
        n.put("endpointId", endpointId);
        if (endpoint != null) {
            n.put("name", endpoint.name());
            n.put("provider", endpoint.provider().wireName());
            n.put("isPrimary", endpoint.isPrimary());
            n.put("isActive", endpoint.isActive());
        }
        HealthState state = health == null || stale ? HealthState.UNKNOWN : health.state();
        n.put("state", state.wireName());
        if (health != null) {
            if (health.latencyMs() != null) {
                n.put("latencyMs", health.latencyMs());
            }
            if (health.lastError() != null) {
                n.put("lastError", health.lastError());
            }
            n.put("checkedAt", text(health.checkedAt()));
            n.put("changedAt", text(health.changedAt()));
            n.put("heartbeat", health.heartbeat());
        }
        return write(n);
    }

    String deviceStatus(DeviceView d) {
        ObjectNode n = json.createObjectNode();
        n.put("deviceId", d.deviceId());
        n.put("endpointId", d.endpointId());
        if (d.deviceName() != null) {
            n.put("deviceName", d.deviceName());
        }
        n.put("status", d.status().wireName());
        if (d.providerStatus() != null) {
            n.put("providerStatus", d.providerStatus());
        }
        if (d.reason() != null) {
            n.put("reason", d.reason());
        }
        if (d.reconnectAttempts() != null) {
            n.put("reconnectAttempts", d.reconnectAttempts());
        }
        if (d.maxReconnectAttempts() != null) {
            n.put("maxReconnectAttempts", d.maxReconnectAttempts());
        }
        n.put("updatedAt", text(d.updatedAt()));
        return write(n);
    }

    String deviceDeleted(String deviceId, String endpointId) {
        ObjectNode n = json.createObjectNode();
        n.put("deviceId", deviceId);
        n.put("endpointId", endpointId);
        n.put("deleted", true);
        return write(n);
    }

    String deviceCode(DeviceView d) {
        ObjectNode n = json.createObjectNode();
        n.put("deviceId", d.deviceId());
        n.put("endpointId", d.endpointId());
        n.put("status", d.status().wireName());
        if (d.qrCode() != null) {
            ObjectNode qr = n.putObject("qrCode");
            qr.put("raw", d.qrCode());
            qr.put("pngDataUrl", QrImages.pngDataUrl(d.qrCode()).orElse(null));
        }
        if (d.pairingCode() != null) {
            n.put("pairingCode", d.pairingCode());
        }
        n.put("at", text(d.updatedAt()));
        return write(n);
    }

    String failover(Failover f) {
        ObjectNode n = json.createObjectNode();
        n.put("eventId", f.eventId());
        n.put("action", f.action());
        n.put("detail", f.detail());
        n.put("occurredAt", text(f.occurredAt()));
        return write(n);
    }

    private String write(ObjectNode n) {
        try {
            return json.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
