package com.booqing.whatsapp.simulator.waha;

import com.booqing.whatsapp.simulator.provider.ProviderException;
import com.booqing.whatsapp.simulator.provider.ProviderReply;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WAHA's error bodies. WAHA is a NestJS app: HttpExceptions pass through as {message, error, statusCode}
 * (or the object given to them), validation pipes answer 400 with a message list, everything else becomes
 * 500 {statusCode, timestamp, exception, request, version} (src/nestjs/AllExceptionsFilter.ts).
 */
final class WahaErrors {

    static final String VERSION = "2026.2.1";
    static final String NOT_EXPECTED = "Session status is not as expected. Try again later or restart the session";

    private WahaErrors() {
    }

    /** Nest's UnauthorizedException from the X-Api-Key middleware (src/core/auth/api-key-auth.middleware.ts). */
    static ProviderException unauthorized() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", "Unauthorized");
        body.put("statusCode", 401);
        return new ProviderException(new ProviderReply(401, Map.of(), body));
    }

    static ProviderException notFound(String message) {
        return http(404, "Not Found", message);
    }

    static ProviderException unprocessable(String message) {
        return http(422, "Unprocessable Entity", message);
    }

    /** class-validator messages, as Nest's ValidationPipe answers them. */
    static ProviderException validation(List<String> messages) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", List.copyOf(messages));
        body.put("error", "Bad Request");
        body.put("statusCode", 400);
        return new ProviderException(new ProviderReply(400, Map.of(), body));
    }

    static ProviderException validation(String message) {
        return validation(List.of(message));
    }

    static ProviderException badJson() {
        return http(400, "Bad Request", "Unexpected token in JSON at position 0");
    }

    /** SessionManager.waitUntilStatus (src/core/abc/manager.abc.ts): the session must exist and be in a status. */
    static ProviderException sessionRequired() {
        return new ProviderException(new ProviderReply(422, Map.of(), Map.of("error", "Session name is required")));
    }

    static ProviderException sessionDoesNotExist(String session) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "Session \"" + session + "\" does not exist");
        body.put("session", session);
        return new ProviderException(new ProviderReply(422, Map.of(), body));
    }

    static ProviderException statusNotExpected(String session, String status, String expected) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", NOT_EXPECTED);
        body.put("session", session);
        body.put("status", status);
        body.put("expected", List.of(expected));
        return new ProviderException(new ProviderReply(422, Map.of(), body));
    }

    static ProviderReply routeNotFound(String method, String path) {
        return http(404, "Not Found", "Cannot " + method + " " + path).reply();
    }

    /** What AllExceptionsFilter makes of an unexpected error (here: an injected fault). */
    static ProviderReply serverError(int status, Instant at) {
        if (status != 500) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("statusCode", status);
            body.put("message", status == 503 ? "Service Unavailable" : "Simulated failure");
            return new ProviderReply(status, Map.of(), body);
        }
        Map<String, Object> exception = new LinkedHashMap<>();
        exception.put("message", "Simulated failure");
        exception.put("name", "Error");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("statusCode", 500);
        body.put("timestamp", at.toString());
        body.put("exception", exception);
        body.put("version", VERSION);
        return new ProviderReply(500, Map.of(), body);
    }

    static ProviderReply tooManyRequests(long retryAfterSeconds) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("statusCode", 429);
        body.put("message", "ThrottlerException: Too Many Requests");
        return new ProviderReply(429, Map.of("Retry-After", Long.toString(retryAfterSeconds)), body);
    }

    private static ProviderException http(int status, String error, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("error", error);
        body.put("statusCode", status);
        return new ProviderException(new ProviderReply(status, Map.of(), body));
    }
}
