package com.booqing.whatsapp.ingress.tenant;

import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.ingress.http.ApiException;
import com.booqing.whatsapp.ingress.http.Bodies;
import com.booqing.whatsapp.ingress.http.NotFound;
import com.booqing.whatsapp.ingress.http.PathParams;
import com.booqing.whatsapp.ingress.management.Answers;
import com.booqing.whatsapp.ingress.management.ManagementCommands;
import com.booqing.whatsapp.ingress.management.ManagementStore;
import com.booqing.whatsapp.ingress.management.Presenter;
import com.booqing.whatsapp.ingress.management.Stored;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code GET|POST|PUT /api/whatsapp/config/{tenantId}}: read, initialise (fields not given take the defaults
 * from the environment, applied by the processor) and change a tenant's configuration. Whether a tenant is
 * already initialised is the processor's call: initialising again with the same settings is a 200 (so a retried
 * POST is harmless), with different ones 409 {@code tenant_exists}. Answers are the brief's
 * WhatsAppConfiguration: the configuration with the tenant's endpoints.
 */
public final class ConfigHandlers {
    private final ManagementStore store;
    private final ManagementCommands commands;
    private final Presenter presenter;
    private final ObjectMapper mapper;
    private final int maxBodyBytes;

    public ConfigHandlers(ManagementStore store, ManagementCommands commands, Presenter presenter, ObjectMapper mapper,
                          int maxBodyBytes) {
        this.store = store;
        this.commands = commands;
        this.presenter = presenter;
        this.mapper = mapper;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void get(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        JsonNode config = store.config(tenantId).orElseThrow(NotFound::tenant);
        ctx.json(presenter.config(config, endpoints(tenantId)));
    }

    public void init(Context ctx) throws IOException {
        String tenantId = PathParams.tenantId(ctx);
        ConfigRequest request = Bodies.readOptionalObject(ctx, maxBodyBytes, mapper, ConfigRequest.class);
        ManagementCommand.TenantConfigPatch patch = (request == null ? ConfigRequest.EMPTY : request).toPatch(tenantId);
        write(ctx, tenantId, new ManagementCommand.InitTenant(patch));
    }

    public void update(Context ctx) throws IOException {
        String tenantId = PathParams.tenantId(ctx);
        if (store.config(tenantId).isEmpty()) {
            throw NotFound.tenant();
        }
        ConfigRequest request = Bodies.readObject(ctx, maxBodyBytes, mapper, ConfigRequest.class);
        ManagementCommand.TenantConfigPatch patch = request.toPatch(tenantId);
        if (request.changesNothing()) {
            throw ApiException.badRequest("the request changes nothing");
        }
        write(ctx, tenantId, new ManagementCommand.UpdateTenant(patch));
    }

    private void write(Context ctx, String tenantId, ManagementCommand.Action action) {
        ManagementCommands.Result result = commands.submit(tenantId, action);
        Answers.write(ctx, tenantId, result, commands,
                outcome -> store.config(tenantId).filter(c -> Stored.reflects(c, outcome)).isPresent(),
                outcome -> presenter.config(outcome.resource() != null && outcome.resource().isObject()
                        ? outcome.resource()
                        : store.config(tenantId).orElseGet(mapper::createObjectNode), endpoints(tenantId)));
    }

    private ArrayNode endpoints(String tenantId) {
        List<JsonNode> endpoints = store.endpoints(tenantId);
        Map<String, EndpointHealth> health = store.health(
                endpoints.stream().map(e -> Stored.text(e, "id")).filter(id -> id != null).toList());
        return presenter.endpoints(endpoints, health);
    }
}
