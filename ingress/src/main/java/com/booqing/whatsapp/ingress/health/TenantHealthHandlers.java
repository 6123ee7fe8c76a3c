package com.booqing.whatsapp.ingress.health;

import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.ingress.http.NotFound;
import com.booqing.whatsapp.ingress.http.PathParams;
import com.booqing.whatsapp.ingress.management.ManagementStore;
import com.booqing.whatsapp.ingress.management.Stored;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/whatsapp/health/{tenantId}}: the brief's "Monitor Health" answer from what the health monitor
 * and the processor put in Redis. {@code overallHealth}: {@code healthy} when every active endpoint is, {@code
 * degraded} when some are, {@code unhealthy} when none is, {@code unknown} without active endpoints or checks.
 * A check older than two health-check intervals counts as unknown.
 */
public final class TenantHealthHandlers {
    private final ManagementStore store;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Duration freshness;

    public TenantHealthHandlers(ManagementStore store, ObjectMapper mapper, Clock clock, Duration freshness) {
        this.store = store;
        this.mapper = mapper;
        this.clock = clock;
        this.freshness = freshness;
    }

    public void get(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        if (store.config(tenantId).isEmpty()) {
            throw NotFound.tenant();
        }
        List<JsonNode> endpoints = store.endpoints(tenantId);
        Map<String, EndpointHealth> health = store.health(
                endpoints.stream().map(e -> Stored.text(e, "id")).filter(id -> id != null).toList());
        ArrayNode endpointsOut = mapper.createArrayNode();
        int active = 0;
        int healthy = 0;
        int known = 0;
        for (JsonNode e : endpoints) {
            String id = Stored.text(e, "id");
            EndpointHealth h = health.get(id);
            HealthState state = h == null || stale(h) ? HealthState.UNKNOWN : h.state();
            boolean isActive = e.path("isActive").asBoolean(true);
            if (isActive) {
                active++;
                if (state != HealthState.UNKNOWN) {
                    known++;
                }
                if (state == HealthState.HEALTHY) {
                    healthy++;
                }
            }
            ObjectNode n = endpointsOut.addObject();
            n.put("id", id);
            n.put("name", Stored.text(e, "name"));
            n.put("provider", Stored.text(e, "provider"));
            n.put("isActive", isActive);
            n.put("isPrimary", e.path("isPrimary").asBoolean(false));
            n.put("state", state.wireName());
            if (h != null) {
                if (h.latencyMs() != null) {
                    n.put("latencyMs", h.latencyMs());
                }
                n.put("lastCheck", h.checkedAt() == null ? null : h.checkedAt().toString());
                if (h.lastError() != null) {
                    n.put("lastError", h.lastError());
                }
            } else {
                n.putNull("lastCheck");
            }
        }
        ArrayNode devicesOut = mapper.createArrayNode();
        for (JsonNode d : store.devices(tenantId)) {
            ObjectNode n = devicesOut.addObject();
            n.put("id", Stored.text(d, "id"));
            n.put("endpointId", Stored.text(d, "endpointId"));
            n.put("deviceName", Stored.text(d, "deviceName"));
            n.put("status", Stored.text(d, "status"));
            n.put("updatedAt", Stored.text(d, "updatedAt"));
        }
        ObjectNode body = mapper.createObjectNode();
        body.put("tenantId", tenantId);
        body.put("overallHealth", overall(active, known, healthy));
        body.set("endpoints", endpointsOut);
        body.set("devices", devicesOut);
        body.put("checkedAt", clock.instant().toString());
        ctx.json(body);
    }

    private boolean stale(EndpointHealth h) {
        return h.checkedAt() == null || Duration.between(h.checkedAt(), clock.instant()).compareTo(freshness) > 0;
    }

    static String overall(int active, int known, int healthy) {
        if (active == 0 || known == 0) {
            return "unknown";
        }
        if (healthy == active) {
            return "healthy";
        }
        return healthy > 0 ? "degraded" : "unhealthy";
    }
}
