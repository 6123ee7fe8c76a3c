package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.ingress.http.NotFound;
import com.booqing.whatsapp.ingress.http.PathParams;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.util.Locale;

/**
 * {@code GET /api/whatsapp/commands/{tenantId}/{commandId}}: where a write answered 202 can be followed. 404 until
 * the processor has decided (and after the outcome's day in Redis), then the outcome with the resource masked.
 */
public final class CommandHandlers {
    private final ManagementStore store;
    private final Presenter presenter;
    private final ObjectMapper mapper;

    public CommandHandlers(ManagementStore store, Presenter presenter, ObjectMapper mapper) {
        this.store = store;
        this.presenter = presenter;
        this.mapper = mapper;
    }

    public void get(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        String commandId = ctx.pathParam("commandId");
        if (!commandId.startsWith("cmd_") || !Ids.isValidGeneratedId(commandId)) {
            throw NotFound.command();
        }
        CommandOutcome o = store.command(tenantId, commandId).orElseThrow(NotFound::command);
        ObjectNode body = mapper.createObjectNode();
        body.put("commandId", o.commandId());
        body.put("tenantId", o.tenantId());
        body.put("status", o.status().name().toLowerCase(Locale.ROOT));
        body.put("httpStatus", o.status() == CommandOutcome.Status.APPLIED
                ? Answers.appliedStatus(o) : Answers.rejectionStatus(o));
        putIfPresent(body, "code", o.code());
        putIfPresent(body, "message", o.message());
        putIfPresent(body, "subjectId", o.subjectId());
        putIfPresent(body, "detail", o.detail());
        if (o.resource() != null && !o.resource().isNull()) {
            body.set("resource", presenter.object(o.resource()));
        }
        if (o.appliedAt() != null) {
            body.put("appliedAt", o.appliedAt().toString());
        }
        ctx.json(body);
    }

    private static void putIfPresent(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }
}
