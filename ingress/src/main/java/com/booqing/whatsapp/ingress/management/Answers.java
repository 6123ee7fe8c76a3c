package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.ingress.http.ErrorBody;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** How a write is answered once its command was published. */
public final class Answers {
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.]{0,63}");
    private Answers() {
    }

    /**
     * Answers a submitted write: 202 when pending, the refusal when rejected, and when applied, once
     * {@code reflected} holds for the outcome (bounded wait), the outcome's status with {@code render}'s body.
     */
    public static void write(Context ctx, String tenantId, ManagementCommands.Result result,
                             ManagementCommands commands, Predicate<CommandOutcome> reflected,
                             Function<CommandOutcome, Object> render) {
        if (result instanceof ManagementCommands.Pending p) {
            pending(ctx, tenantId, p.commandId());
        } else if (result instanceof ManagementCommands.Rejected r) {
            rejected(ctx, r.outcome());
        } else {
            CommandOutcome outcome = ((ManagementCommands.Applied) result).outcome();
            commands.awaitProjection(() -> reflected.test(outcome));
            int status = appliedStatus(outcome);
            if (status == 204) {
                ctx.status(204);
            } else {
                ctx.status(status).json(render.apply(outcome));
            }
        }
    }

    /** Where a pending command's outcome can be read. */
    public static String location(String tenantId, String commandId) {
        return "/api/whatsapp/commands/" + tenantId + "/" + commandId;
    }

    /** 202 {commandId, status: "pending", location}, with a Location header. */
    public static void pending(Context ctx, String tenantId, String commandId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("commandId", commandId);
        body.put("status", "pending");
        body.put("location", location(tenantId, commandId));
        ctx.header("Location", location(tenantId, commandId));
        ctx.status(202).json(body);
    }

    /**
     * The processor's refusal with its status (a 4xx) and {code, message}; {@code field} when the outcome's
     * detail is a field name, which is how the processor names the field of a field refusal.
     */
    public static void rejected(Context ctx, CommandOutcome outcome) {
        String detail = outcome.detail();
        ctx.status(rejectionStatus(outcome)).json(new ErrorBody(
                outcome.code() == null ? "rejected" : outcome.code(),
                outcome.message() == null ? "the change was refused" : outcome.message(),
                detail != null && FIELD_NAME.matcher(detail).matches() ? detail : null));
    }


    /** The status of an applied outcome: its own when it is a 2xx, else 200. */
    public static int appliedStatus(CommandOutcome outcome) {
        int s = outcome.httpStatus();
        return s >= 200 && s < 300 ? s : 200;
    }

    /** A refusal is the client's to fix: a 4xx as the processor said, 409 when it said something else. */
    public static int rejectionStatus(CommandOutcome outcome) {
        int s = outcome.httpStatus();
        return s >= 400 && s < 500 ? s : 409;
    }
}
