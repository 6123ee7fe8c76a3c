package com.booqing.whatsapp.sender.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns an Evolution API error answer ({@code {status, error, response: {message: [...]}}}, reference §3.3) into a
 * {@link SendOutcome.Failed}. A number that is not on WhatsApp comes back as 400 with
 * {@code message: [{jid, exists: false, number}]}: permanent. A closed WhatsApp connection surfaces as 400
 * "Connection Closed" from Baileys: the instance sent nothing, so another endpoint may take the message.
 */
final class EvolutionErrors {
    static final String NOT_ON_WHATSAPP = "number_not_on_whatsapp";
    static final String SESSION_NOT_CONNECTED = "session_not_connected";
    static final String INSTANCE_NOT_FOUND = "instance_not_found";
    static final String UNAUTHORIZED = "unauthorized";
    static final String FORBIDDEN = "forbidden";
    static final String INVALID_REQUEST = "invalid_request";
    static final String RATE_LIMITED = "rate_limited";
    private static final int MAX_REASON = 200;

    private final ObjectMapper mapper;

    EvolutionErrors(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    SendOutcome.Failed classify(int status, byte[] body, Optional<String> retryAfterHeader) {
        JsonNode messages = messages(body);
        String message = ProviderHttp.brief(text(messages, status), MAX_REASON);
        String lower = message.toLowerCase(Locale.ROOT);
        Duration retryAfter = RetryAfter.parse(retryAfterHeader);
        if (status >= 300 && status < 400) {
            return SendOutcome.Failed.endpointRejected("unexpected_redirect",
                    "the endpoint answered with a redirect (HTTP " + status + "); check its API URL");
        }
        if (status == 401) {
            return SendOutcome.Failed.endpointRejected(UNAUTHORIZED, "Evolution API refused the apikey");
        }
        if (status == 403) {
            return SendOutcome.Failed.endpointRejected(FORBIDDEN, "Evolution API forbids this: " + message);
        }
        if (status == 404) {
            return SendOutcome.Failed.endpointRejected(INSTANCE_NOT_FOUND, lower.contains("instance")
                    ? message : "Evolution API does not know this route (HTTP 404); check the endpoint's API URL");
        }
        if (status == 400 && notOnWhatsApp(messages)) {
            return SendOutcome.Failed.permanent(NOT_ON_WHATSAPP, "the recipient's number is not on WhatsApp");
        }
        if (lower.contains("connection closed") || lower.contains("not connected")) {
            return SendOutcome.Failed.retryable(SESSION_NOT_CONNECTED,
                    "the Evolution instance is not connected to WhatsApp: " + message, true, retryAfter);
        }
        if (status == 429) {
            return SendOutcome.Failed.rateLimited(RATE_LIMITED, "rate limited: " + message, retryAfter);
        }
        if (status == 503) {
            return SendOutcome.Failed.retryable("http_503", message, true, retryAfter);
        }
        if (status >= 500) {
            return SendOutcome.Failed.retryable("http_" + status, message, false, retryAfter);
        }
        return SendOutcome.Failed.permanent(status == 400 ? INVALID_REQUEST : "http_" + status, message);
    }

    private static boolean notOnWhatsApp(JsonNode messages) {
        for (JsonNode m : messages) {
            if (m.isObject() && m.path("exists").isBoolean() && !m.path("exists").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    /** {@code response.message} as a list (it may be one string, one object or a list of either). */
    private JsonNode messages(byte[] body) {
        if (body == null || body.length == 0) {
            return mapper.createArrayNode();
        }
        try {
            JsonNode root = mapper.readTree(body);
            JsonNode message = root.path("response").path("message");
            if (message.isMissingNode()) {
                message = root.path("message");
            }
            if (message.isArray()) {
                return message;
            }
            return message.isMissingNode() || message.isNull() ? mapper.createArrayNode()
                    : mapper.createArrayNode().add(message);
        } catch (IOException | RuntimeException e) {
            return mapper.createArrayNode();
        }
    }

    private static String text(JsonNode messages, int status) {
        StringBuilder s = new StringBuilder();
        for (JsonNode m : messages) {
            s.append(s.length() == 0 ? "" : "; ").append(m.isTextual() ? m.asText() : m.toString());
        }
        return s.length() == 0 ? "HTTP " + status : s.toString();
    }
}
