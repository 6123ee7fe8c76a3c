package com.booqing.whatsapp.ingress.apikey;

import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.ingress.http.NotFound;
import com.booqing.whatsapp.ingress.http.PathParams;
import com.booqing.whatsapp.ingress.management.Answers;
import com.booqing.whatsapp.ingress.management.ManagementCommands;
import com.booqing.whatsapp.ingress.management.NewIds;
import com.booqing.whatsapp.ingress.management.ResourceViews;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.util.Optional;

/**
 * Admin only: {@code POST /api/whatsapp/keys/{tenantId}} issues a tenant key (shown once, in this answer),
 * {@code GET} lists the tenant's keys by prefix, {@code DELETE …/{keyId}} revokes one. Issuing and revoking are
 * management commands like every other change; the answer waits until this instance's key directory knows the
 * change, so the key works (or stops working) on the very next request.
 */
public final class ApiKeyHandlers {
    private final ApiKeyDirectory keys;
    private final ManagementCommands commands;
    private final ObjectMapper mapper;
    private final NewIds ids;

    public ApiKeyHandlers(ApiKeyDirectory keys, ManagementCommands commands, ObjectMapper mapper, NewIds ids) {
        this.keys = keys;
        this.commands = commands;
        this.mapper = mapper;
        this.ids = ids;
    }

    public void list(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        ObjectNode body = mapper.createObjectNode();
        body.put("tenantId", tenantId);
        ArrayNode list = body.putArray("keys");
        keys.forTenant(tenantId).forEach(k -> list.add(ResourceViews.apiKey(k, mapper)));
        ctx.json(body);
    }

    public void issue(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        ApiKeys.Issued issued = ApiKeys.issue(tenantId, commands.now(), ids);
        ApiKey key = issued.key();
        ManagementCommands.Result result = commands.submit(tenantId, new ManagementCommand.IssueApiKey(key));
        Answers.write(ctx, tenantId, result, commands,
                outcome -> keys.find(key.keyId()).isPresent(),
                outcome -> {
                    // The processor's times and prefix, as later lists show them; never its hash.
                    ObjectNode body = keys.find(key.keyId()).map(k -> ResourceViews.apiKey(k, mapper))
                            .orElseGet(() -> ResourceViews.apiKey(key, mapper));
                    body.put("key", issued.plaintext());
                    body.put("warning", "store this key now: it is shown only once");
                    return body;
                });
    }

    public void revoke(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        String keyId = ctx.pathParam("keyId");
        ApiKey key = (ApiKeys.isKeyId(keyId) ? keys.find(keyId) : Optional.<ApiKey>empty())
                .filter(k -> k.tenantId().equals(tenantId))
                .orElseThrow(NotFound::apiKey);
        ManagementCommands.Result result = commands.submit(tenantId, new ManagementCommand.RevokeApiKey(key.keyId()));
        Answers.write(ctx, tenantId, result, commands,
                outcome -> keys.find(keyId).map(ApiKey::revoked).orElse(true),
                outcome -> {
                    ObjectNode body = keys.find(keyId).map(k -> ResourceViews.apiKey(k, mapper))
                            .orElseGet(() -> ResourceViews.apiKey(key, mapper));
                    body.put("revoked", true);
                    return body;
                });
    }
}
