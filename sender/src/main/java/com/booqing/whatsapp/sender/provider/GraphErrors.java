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
 * Any 4xx answer means Graph processed and refused the request, so it is certainly not sent. A 503 is the
 * service refusing work (certainly not sent); other 5xx may have failed after the message was accepted.
 */
final class GraphErrors {
    static final Set<Integer> AUTH = Set.of(190, 0, 3, 10);
    /** App, account and number throughput limits (4, 80007, 130429) and the spam limit (131048). */
    static final Set<Integer> ENDPOINT_RATE_LIMITED = Set.of(4, 80007, 130429, 131048);
    static final int PAIR_RATE_LIMITED = 131056;
    static final Set<Integer> TRANSIENT = Set.of(1, 2, 131000, 131016);
    private static final int MAX_REASON = 200;

    private final ObjectMapper mapper;

    GraphErrors(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    SendOutcome.Failed classify(int status, byte[] body, Optional<String> retryAfterHeader) {
        GraphError e = parse(body);
        String code = e.code != null ? Integer.toString(e.code) : "http_" + status;
        String reason = reason(status, e);
        Duration retryAfter = RetryAfter.parse(retryAfterHeader);
        if (status >= 300 && status < 400) {
            return SendOutcome.Failed.endpointRejected("unexpected_redirect",
                    "the endpoint answered with a redirect (HTTP " + status + "); check its API URL");
        }
        if (status == 401 || isAuth(e.code)) {
            return SendOutcome.Failed.endpointRejected(code, "access token rejected: " + reason);
        }
        if (e.code != null && e.code == PAIR_RATE_LIMITED) {
            return SendOutcome.Failed.recipientRateLimited(code, "too many messages to this recipient: " + reason,
                    retryAfter);
        }
        if (status == 429 || (e.code != null && ENDPOINT_RATE_LIMITED.contains(e.code))) {
            return SendOutcome.Failed.rateLimited(code, "rate limited: " + reason, retryAfter);
        }
        if (status == 503) {
            return SendOutcome.Failed.retryable(code, reason, true, retryAfter);
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
        return ProviderHttp.brief(text, MAX_REASON);
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

    private record GraphError(Integer code, String message, String details, Boolean transientFlag) {
    }
}
