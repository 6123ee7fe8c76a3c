package com.booqing.whatsapp.simulator.cloudapi;

import com.booqing.whatsapp.simulator.provider.ProviderReply;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Graph API error envelopes: {@code {error:{message, type, code, error_subcode?, error_data?, fbtrace_id}}}
 * (Meta OpenAPI GraphAPIError; codes as on Meta's error-codes page, see provider-wire-formats.md §1.3).
 */
final class GraphErrors {

    private static final SecureRandom RANDOM = new SecureRandom();

    private GraphErrors() {
    }

    static GraphException invalidToken() {
        Map<String, String> headers = Map.of("WWW-Authenticate",
                "OAuth \"Facebook Platform\" \"invalid_token\" \"Invalid OAuth access token - Cannot parse access token\"");
        return new GraphException(reply(401, headers, "Invalid OAuth access token - Cannot parse access token",
                "OAuthException", 190, null, null, false));
    }

    static GraphException unknownObject(String method, String objectId) {
        return new GraphException(reply(400, Map.of(), "Unsupported " + method + " request. Object with ID '" + objectId
                        + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
                        + " Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
                "GraphMethodException", 100, 33, null, false));
    }

    static GraphException unknownPath(String path) {
        return new GraphException(reply(400, Map.of(), "Unknown path components: " + path, "OAuthException", 2500,
                null, null, false));
    }

    /** Code 100 with Graph's own wording, e.g. "(#100) The parameter to is required." */
    static GraphException invalidParameter(String message) {
        return new GraphException(reply(400, Map.of(), "(#100) " + message, "OAuthException", 100, null, null, false));
    }

    static GraphException missingParameter(String details) {
        return new GraphException(reply(400, Map.of(), "(#131008) Required parameter is missing", "OAuthException",
                131008, null, details, false));
    }

    static GraphException invalidValue(String details) {
        return new GraphException(reply(400, Map.of(), "(#131009) Parameter value is not valid", "OAuthException",
                131009, null, details, false));
    }

    static ProviderReply serverFailure(int status) {
        if (status == 503) {
            return reply(status, Map.of(), "(#131016) Service unavailable", "OAuthException", 131016, null,
                    "A service is temporarily unavailable.", true);
        }
        return reply(status, Map.of(), "(#131000) Something went wrong", "OAuthException", 131000, null,
                "Something went wrong. Message failed to send because of an unknown error.", true);
    }

    static ProviderReply rateLimited(long retryAfterSeconds) {
        return reply(429, Map.of("Retry-After", Long.toString(retryAfterSeconds)), "(#130429) Rate limit hit",
                "OAuthException", 130429, null, "Cloud API message throughput has been reached.", true);
    }

    private static ProviderReply reply(int status, Map<String, String> headers, String message, String type, int code,
                                       Integer subcode, String details, boolean transientError) {
        String traceId = traceId();
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("code", code);
        if (subcode != null) {
            error.put("error_subcode", subcode);
        }
        if (details != null) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("messaging_product", "whatsapp");
            data.put("details", details);
            error.put("error_data", data);
        }
        if (transientError) {
            error.put("is_transient", true);
        }
        error.put("fbtrace_id", traceId);
        Map<String, String> allHeaders = new LinkedHashMap<>(headers);
        allHeaders.put("x-fb-trace-id", traceId);
        return new ProviderReply(status, allHeaders, Map.of("error", error));
    }

    private static String traceId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "A" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, 22);
    }
}
