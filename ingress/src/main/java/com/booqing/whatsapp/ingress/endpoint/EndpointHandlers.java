package com.booqing.whatsapp.ingress.endpoint;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.ingress.http.ApiException;
import com.booqing.whatsapp.ingress.http.Bodies;
import com.booqing.whatsapp.ingress.http.NotFound;
import com.booqing.whatsapp.ingress.http.PathParams;
import com.booqing.whatsapp.ingress.management.Answers;
import com.booqing.whatsapp.ingress.management.ManagementCommands;
import com.booqing.whatsapp.ingress.management.ManagementStore;
import com.booqing.whatsapp.ingress.management.NewIds;
import com.booqing.whatsapp.ingress.management.Presenter;
import com.booqing.whatsapp.ingress.management.Stored;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/whatsapp/endpoints/{tenantId}[/{endpointId}]}: list, read, create, update, delete, and
 * {@code POST …/{endpointId}?action=test-health}, which answers from the health monitor's latest check (the
 * ingress never calls providers itself).
 */
public final class EndpointHandlers {
    private final ManagementStore store;
    private final ManagementCommands commands;
    private final Presenter presenter;
    private final ObjectMapper mapper;
    private final SecretBox secrets;
    private final EndpointUrlGuard guard;
    private final NewIds ids;
    private final Duration healthFreshness;
    private final int maxBodyBytes;

    public EndpointHandlers(ManagementStore store, ManagementCommands commands, Presenter presenter,
                            ObjectMapper mapper, SecretBox secrets, EndpointUrlGuard guard, NewIds ids,
                            Duration healthFreshness, int maxBodyBytes) {
        this.store = store;
        this.commands = commands;
        this.presenter = presenter;
        this.mapper = mapper;
        this.secrets = secrets;
        this.guard = guard;
        this.ids = ids;
        this.healthFreshness = healthFreshness;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void list(Context ctx) {
        String tenantId = existingTenant(ctx);
        List<JsonNode> endpoints = store.endpoints(tenantId);
        ObjectNode body = mapper.createObjectNode();
        body.put("tenantId", tenantId);
        body.set("endpoints", presenter.endpoints(endpoints, health(endpoints)));
        ctx.json(body);
    }

    public void get(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        JsonNode endpoint = endpoint(tenantId, ctx.pathParam("endpointId"));
        ctx.json(presenter.endpoint(endpoint, health(Stored.text(endpoint, "id"))));
    }

    public void create(Context ctx) throws IOException {
        String tenantId = existingTenant(ctx);
        EndpointRequest request = Bodies.readObject(ctx, maxBodyBytes, mapper, EndpointRequest.class);
        String endpointId = ids.endpointId();
        Endpoint endpoint = request.toEndpoint(tenantId, endpointId, secrets, guard, commands.now());
        ManagementCommands.Result result = commands.submit(tenantId, new ManagementCommand.CreateEndpoint(endpoint));
        Answers.write(ctx, tenantId, result, commands,
                outcome -> store.endpoint(tenantId, endpointId).filter(e -> Stored.reflects(e, outcome))
                        .isPresent(),
                outcome -> presenter.endpoint(resourceOrStored(outcome.resource(), tenantId, endpointId),
                        health(endpointId)));
    }

    public void update(Context ctx) throws IOException {
        String tenantId = PathParams.tenantId(ctx);
        JsonNode existing = endpoint(tenantId, ctx.pathParam("endpointId"));
        String endpointId = Stored.text(existing, "id");
        EndpointRequest request = Bodies.readObject(ctx, maxBodyBytes, mapper, EndpointRequest.class);
        ManagementCommand.EndpointPatch patch = request.toPatch(tenantId, endpointId, provider(existing), secrets,
                guard);
        ManagementCommands.Result result = commands.submit(tenantId,
                new ManagementCommand.UpdateEndpoint(endpointId, patch));
        Answers.write(ctx, tenantId, result, commands,
                outcome -> store.endpoint(tenantId, endpointId).filter(e -> Stored.reflects(e, outcome))
                        .isPresent(),
                outcome -> presenter.endpoint(resourceOrStored(outcome.resource(), tenantId, endpointId),
                        health(endpointId)));
    }

    public void delete(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        String endpointId = Stored.text(endpoint(tenantId, ctx.pathParam("endpointId")), "id");
        ManagementCommands.Result result = commands.submit(tenantId, new ManagementCommand.DeleteEndpoint(endpointId));
        Answers.write(ctx, tenantId, result, commands,
                outcome -> store.endpoint(tenantId, endpointId).isEmpty() && primaryMovedOff(tenantId, endpointId),
                outcome -> deleted(endpointId, outcome.resource(), outcome.detail()));
    }

    /**
     * Deleting the primary also changes the configuration and promotes another endpoint; those records are
     * projected separately, so a read right after the answer must find all of them applied.
     */
    private boolean primaryMovedOff(String tenantId, String deletedId) {
        String primary = store.config(tenantId).map(c -> Stored.text(c, "primaryEndpointId")).orElse(null);
        if (deletedId.equals(primary)) {
            return false;
        }
        return primary == null || store.endpoint(tenantId, primary)
                .map(e -> e.path("isPrimary").asBoolean(false)).orElse(false);
    }

    /** {@code POST …/{endpointId}?action=test-health}. */
    public void action(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        JsonNode endpoint = endpoint(tenantId, ctx.pathParam("endpointId"));
        String action = ctx.queryParam("action");
        if (!"test-health".equals(action)) {
            throw ApiException.invalidField("action", "action must be test-health");
        }
        String endpointId = Stored.text(endpoint, "id");
        EndpointHealth health = health(endpointId);
        ObjectNode body = mapper.createObjectNode();
        body.put("endpointId", endpointId);
        body.put("tenantId", tenantId);
        if (health == null) {
            body.put("healthy", false);
            body.put("state", HealthState.UNKNOWN.wireName());
            body.put("fresh", false);
            body.put("message", "the health monitor has not checked this endpoint yet; ask again later");
            ctx.status(202).json(body);
            return;
        }
        Instant now = commands.now();
        Duration age = health.checkedAt() == null ? null : Duration.between(health.checkedAt(), now);
        boolean fresh = age != null && age.compareTo(healthFreshness) <= 0; // a clock ahead of ours is fresh too
        body.put("healthy", health.state() == HealthState.HEALTHY);
        body.put("state", health.state().wireName());
        if (health.latencyMs() != null) {
            body.put("latencyMs", health.latencyMs());
        }
        if (health.lastError() != null) {
            body.put("lastError", health.lastError());
        }
        if (health.checkedAt() != null) {
            body.put("lastCheck", health.checkedAt().toString());
            body.put("ageSeconds", Math.max(0, age.toSeconds()));
        }
        body.put("fresh", fresh);
        if (!fresh) {
            body.put("message", "the latest check is older than " + healthFreshness.toSeconds()
                    + " s; the health monitor will check again");
        }
        ctx.status(fresh ? 200 : 202).json(body);
    }

    private String existingTenant(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        if (store.config(tenantId).isEmpty()) {
            throw NotFound.tenant();
        }
        return tenantId;
    }

    private JsonNode endpoint(String tenantId, String endpointId) {
        if (!isEndpointId(endpointId)) {
            throw NotFound.endpoint();
        }
        return store.endpoint(tenantId, endpointId).orElseThrow(NotFound::endpoint);
    }

    public static boolean isEndpointId(String id) {
        return id != null && id.startsWith("ep_") && Ids.isValidGeneratedId(id);
    }

    private JsonNode resourceOrStored(JsonNode resource, String tenantId, String endpointId) {
        if (resource != null && resource.isObject()) {
            return resource;
        }
        return store.endpoint(tenantId, endpointId).orElseGet(mapper::createObjectNode);
    }

    private ObjectNode deleted(String id, JsonNode resource, String detail) {
        ObjectNode body = mapper.createObjectNode();
        if (resource != null && resource.isObject()) {
            body.setAll((ObjectNode) presenter.object(resource));
        }
        body.put("id", id);
        body.put("deleted", true);
        if (detail != null) {
            body.put("detail", detail);
        }
        return body;
    }

    private ProviderType provider(JsonNode stored) {
        String wire = Stored.text(stored, "provider");
        for (ProviderType p : ProviderType.values()) {
            if (p.wireName().equals(wire)) {
                return p;
            }
        }
        throw new IllegalStateException("stored endpoint has no known provider");
    }

    private Map<String, EndpointHealth> health(List<JsonNode> endpoints) {
        return store.health(endpoints.stream().map(e -> Stored.text(e, "id")).filter(id -> id != null).toList());
    }

    private EndpointHealth health(String endpointId) {
        return store.health(List.of(endpointId)).get(endpointId);
    }
}
