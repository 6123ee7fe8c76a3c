package com.booqing.whatsapp.sender.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a WAHA error answer into a {@link SendOutcome.Failed}. WAHA is a NestJS app without error codes: Nest
 * HttpException bodies ({@code {message, error, statusCode}} or the object given), 422 when the session is not
 * WORKING or does not exist, 500 for everything unexpected (reference §2.3). The gateway codes below stand in.
 * A session that is not working certainly sent nothing, so the message may go through another endpoint.
 */
final class WahaErrors {
    static final String UNAUTHORIZED = "unauthorized";
    static final String SESSION_NOT_READY = "session_not_ready";
    static final String SESSION_NOT_FOUND = "session_not_found";
    static final String INVALID_REQUEST = "invalid_request";
    static final String FILE_NOT_FOUND = "file_not_found";
    static final String NOT_FOUND = "not_found";
    static final String RATE_LIMITED = "rate_limited";
    private static final int MAX_REASON = 200;

    private final ObjectMapper mapper;

    WahaErrors(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    SendOutcome.Failed classify(int status, byte[] body, Optional<String> retryAfterHeader) {
        String message = message(body, status);
        String lower = message.toLowerCase(Locale.ROOT);
        Duration retryAfter = RetryAfter.parse(retryAfterHeader);
        if (status >= 300 && status < 400) {
            return SendOutcome.Failed.endpointRejected("unexpected_redirect",
                    "the endpoint answered with a redirect (HTTP " + status + "); check its API URL");
        }
        if (status == 401 || status == 403) {
            return SendOutcome.Failed.endpointRejected(UNAUTHORIZED, "WAHA refused the API key (HTTP " + status + ")");
        }
        if (status == 422 && lower.contains("does not exist")) {
            return SendOutcome.Failed.endpointRejected(SESSION_NOT_FOUND, message);
        }
        if (status == 422) {
            return SendOutcome.Failed.retryable(SESSION_NOT_READY, "the WAHA session is not working: " + message,
                    true, retryAfter);
        }
        if (status == 429) {
            return SendOutcome.Failed.rateLimited(RATE_LIMITED, "rate limited: " + message, retryAfter);
        }
        if (status == 404 && lower.contains("file")) {
            return SendOutcome.Failed.permanent(FILE_NOT_FOUND, message);
        }
        if (status == 404) {
            return SendOutcome.Failed.endpointRejected(NOT_FOUND,
                    "WAHA does not know this route (HTTP 404); check the endpoint's API URL and WAHA version");
        }
        if (status == 503) {
            return SendOutcome.Failed.retryable("http_503", message, true, retryAfter);
        }
        if (status >= 500) {
            return SendOutcome.Failed.retryable("http_" + status, message, false, retryAfter);
        }
        return SendOutcome.Failed.permanent(status == 400 ? INVALID_REQUEST : "http_" + status, message);
    }

    /** Nest's {@code message} (a string or a list of validation messages), else {@code error}, else the status. */
    private String message(byte[] body, int status) {
        String text = null;
        if (body != null && body.length > 0) {
            try {
                JsonNode root = mapper.readTree(body);
                text = join(root.path("message"));
                if (text == null) {
                    text = join(root.path("error"));
                }
                if (text == null) {
                    text = join(root.path("exception").path("message"));
                }
            } catch (IOException | RuntimeException e) {
                text = null;
            }
        }
        return ProviderHttp.brief(text == null ? "HTTP " + status : text, MAX_REASON);
    }

    private static String join(JsonNode node) {
        if (node.isTextual() && !node.asText().isBlank()) {
            return node.asText();
        }
        if (node.isArray() && !node.isEmpty()) {
            StringBuilder s = new StringBuilder();
            node.forEach(n -> s.append(s.length() == 0 ? "" : "; ").append(n.isTextual() ? n.asText() : n.toString()));
            return s.toString();
        }
        return null;
    }
}
