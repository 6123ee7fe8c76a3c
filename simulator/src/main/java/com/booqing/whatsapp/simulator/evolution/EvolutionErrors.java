package com.booqing.whatsapp.simulator.evolution;

import com.booqing.whatsapp.simulator.provider.ProviderException;
import com.booqing.whatsapp.simulator.provider.ProviderReply;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evolution's error bodies: its exceptions throw {status, error, message} and the express error handler answers
 * {@code {status, error, response:{message}}} (src/main.ts, src/exceptions/*.ts); unknown routes answer
 * {@code {status:404, error:"Not Found", response:{message:["Cannot POST /x"]}}}.
 */
final class EvolutionErrors {

    private EvolutionErrors() {
    }

    static ProviderException badRequest(List<?> messages) {
        return error(400, "Bad Request", List.copyOf(messages));
    }

    static ProviderException badRequest(String message) {
        return badRequest(List.of(message));
    }

    /** UnauthorizedException() with no arguments: message is the plain string "Unauthorized". */
    static ProviderException unauthorized() {
        return error(401, "Unauthorized", "Unauthorized");
    }

    static ProviderException forbidden(String message) {
        return error(403, "Forbidden", List.of(message));
    }

    /** instanceExistsGuard (src/api/guards/instance.guard.ts). */
    static ProviderException instanceDoesNotExist(String instance) {
        return error(404, "Not Found", List.of("The \"" + instance + "\" instance does not exist"));
    }

    /** What a send answers while Baileys has no open connection (EVO-ISS#1286, #1799). */
    static ProviderException connectionClosed() {
        return error(500, "Internal Server Error", "Connection Closed");
    }

    /** body-parser's SyntaxError carries status 400 but no "error", so the handler fills in the 500 wording. */
    static ProviderException badJson() {
        return error(400, "Internal Server Error", "Unexpected token in JSON at position 0");
    }

    static ProviderReply routeNotFound(String method, String path) {
        return reply(404, "Not Found", List.of("Cannot " + method + " " + path), Map.of());
    }

    static ProviderReply serverError(int status) {
        String reason = switch (status) {
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 500 -> "Internal Server Error";
            default -> "Error";
        };
        return reply(status, reason, status == 500 ? "Connection Closed" : reason, Map.of());
    }

    static ProviderReply tooManyRequests(long retryAfterSeconds) {
        return reply(429, "Too Many Requests", List.of("Too Many Requests"),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    private static ProviderException error(int status, String error, Object message) {
        return new ProviderException(reply(status, error, message, Map.of()));
    }

    private static ProviderReply reply(int status, String error, Object message, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", error);
        body.put("response", Map.of("message", message));
        return new ProviderReply(status, headers, body);
    }
}
