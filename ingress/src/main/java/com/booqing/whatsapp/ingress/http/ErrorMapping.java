package com.booqing.whatsapp.ingress.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one place where exceptions become responses. Every error body is {@code {code, message}}; no stack trace,
 * request body or secret ever reaches a response, and only unexpected failures are logged.
 */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> write(ctx, e));
        routes.exception(JsonProcessingException.class, (e, ctx) -> write(ctx, invalidJson(e)));
        routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromJavalin(e)));
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("unexpected failure on {} {}", ctx.method(), Routes.template(ctx), e);
            write(ctx, ApiException.internalError());
        });
    }

    public static void write(Context ctx, ApiException e) {
        Bodies.discardUnread(ctx);
        e.headers().forEach(ctx::header);
        ctx.status(e.status()).json(new ErrorBody(e.code(), e.getMessage(), e.field()));
    }

    /** Names the offending field where Jackson knows it, without quoting the input. */
    static ApiException invalidJson(JsonProcessingException e) {
        if (e instanceof StreamConstraintsException) {
            return new ApiException(400, "invalid_json", "request body exceeds the JSON nesting or size limits");
        }
        if (e instanceof JsonParseException p) {
            var at = p.getLocation();
            return new ApiException(400, "invalid_json", "request body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (e instanceof JsonMappingException m) {
            String field = fieldPath(m);
            if (m instanceof UnrecognizedPropertyException u) {
                String unknown = join(field, u.getPropertyName());
                return new ApiException(400, "invalid_json", "unknown field '" + unknown + "'", unknown);
            }
            if (m instanceof ValueInstantiationException v && v.getCause() != null && v.getCause().getMessage() != null) {
                return new ApiException(400, "invalid_json",
                        (field.isEmpty() ? "" : "field '" + field + "': ") + firstLine(v.getCause().getMessage()),
                        field.isEmpty() ? null : field);
            }
            if (!field.isEmpty()) {
                return new ApiException(400, "invalid_json", "field '" + field + "' is missing or has the wrong type",
                        field);
            }
        }
        return new ApiException(400, "invalid_json", "request body does not have the expected shape");
    }

    private static String fieldPath(JsonMappingException m) {
        return m.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName()
                        : r.getIndex() >= 0 ? "[" + r.getIndex() + "]" : "")
                .collect(Collectors.joining())
                .replaceFirst("^\\.", "");
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path.endsWith(name) ? path : path + "." + name;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl >= 0 ? s.substring(0, nl) : s;
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    /** Javalin's own refusals: no route (404), wrong method (405), and the like. */
    private static ApiException fromJavalin(HttpResponseException e) {
        HttpStatus status = HttpStatus.forStatus(e.getStatus());
        String code = status == HttpStatus.UNKNOWN ? "http_" + e.getStatus()
                : status.name().toLowerCase(Locale.ROOT);
        String message = status == HttpStatus.NOT_FOUND ? "no such route" : status.getMessage().toLowerCase(Locale.ROOT);
        return new ApiException(e.getStatus(), code, message);
    }
}
