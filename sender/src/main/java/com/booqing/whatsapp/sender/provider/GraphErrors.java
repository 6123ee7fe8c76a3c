package com.booqing.whatsapp.sender.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a Graph API error answer into a {@link SendOutcome.Failed}. Meta asks callers to branch on the numeric
 * {@code error.code}, not on titles (reference §1.3); the HTTP status decides only when there is no code.
 * Any answer the provider gave means it processed and refused the request, so 4xx answers are certainly
 * not sent; a 5xx may have failed after the message was accepted, so it is not.
 */
final class GraphErrors {
    static final Set<Integer> AUTH = Set.of(190, 0, 3, 10);
    static final Set<Integer> RATE_LIMITED = Set.of(4, 80007, 130429, 131048, 131056);
    static final Set<Integer> TRANSIENT = Set.of(1, 2, 131000, 131016);
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    private static final int MAX_REASON = 200;

    private final ObjectMapper mapper;

    GraphErrors(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    SendOutcome.Failed classify(int status, byte[] body, Optional<String> retryAfterHeader) {
        GraphError e = parse(body);
        String code = e.code != null ? Integer.toString(e.code) : "http_" + status;
        String reason = reason(status, e);
        Duration retryAfter = retryAfter(retryAfterHeader);
        if (status >= 300 && status < 400) {
            return SendOutcome.Failed.permanent("unexpected_redirect",
                    "the endpoint answered with a redirect (HTTP " + status + "); check its API URL");
        }
        if (status == 401 || isAuth(e.code)) {
            return SendOutcome.Failed.permanent(code, "access token rejected: " + reason);
        }
        if (status == 429 || (e.code != null && RATE_LIMITED.contains(e.code))) {
            return SendOutcome.Failed.retryable(code, "rate limited: " + reason, true, retryAfter);
        }
        if (status >= 500) {
            return SendOutcome.Failed.retryable(code, reason, false, retryAfter);
        }
        if ((e.code != null && TRANSIENT.contains(e.code)) || Boolean.TRUE.equals(e.transientFlag)) {
            return SendOutcome.Failed.retryable(code, reason, true, retryAfter);
        }
        // 100, 131008, 131009, 131026, 131047 and the rest: the request itself is wrong for this recipient.
        return SendOutcome.Failed.permanent(code, reason);
    }

    private static boolean isAuth(Integer code) {
        return code != null && (AUTH.contains(code) || (code >= 200 && code <= 299));
    }

    private String reason(int status, GraphError e) {
        String text = e.message != null ? e.message : "HTTP " + status;
        if (e.details != null && !e.details.isBlank()) {
            text = text + ": " + e.details;
        }
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) + "..." : text;
    }

    private GraphError parse(byte[] body) {
        if (body == null || body.length == 0) {
            return new GraphError(null, null, null, null);
        }
        try {
            JsonNode error = mapper.readTree(body).path("error");
            if (!error.isObject()) {
                return new GraphError(null, null, null, null);
            }
            Integer code = error.path("code").canConvertToInt() ? error.path("code").asInt() : null;
            String message = error.path("message").isTextual() ? error.path("message").asText() : null;
            String details = error.path("error_data").path("details").isTextual()
                    ? error.path("error_data").path("details").asText() : null;
            Boolean transientFlag = error.path("is_transient").isBoolean() ? error.path("is_transient").asBoolean() : null;
            return new GraphError(code, message, details, transientFlag);
        } catch (IOException | RuntimeException e) {
            return new GraphError(null, null, null, null);
        }
    }

    /** Retry-After in seconds, the form Graph uses; an HTTP date or nonsense is ignored. */
    static Duration retryAfter(Optional<String> header) {
        if (header.isEmpty()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.get().trim());
            if (seconds < 0) {
                return null;
            }
            Duration d = Duration.ofSeconds(seconds);
            return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private record GraphError(Integer code, String message, String details, Boolean transientFlag) {
    }
}
