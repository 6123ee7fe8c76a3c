package com.booqing.whatsapp.e2e;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Booqing's side of the REST API, as the e2e tests call it (admin key). */
final class RestClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = AuditedHttpClient.of(HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build());

    RestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /**
     * POST /api/whatsapp/messages/{tenantId} with a text message, pinned to {@code endpointId} when not null.
     *
     * @return the accepted message's id
     */
    String sendText(String tenantId, String to, String text, String endpointId, String idempotencyKey) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("to", to);
        body.put("type", "text");
        body.put("content", text);
        if (endpointId != null) {
            body.put("endpointId", endpointId);
        }
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                            URI.create(baseUrl + "/api/whatsapp/messages/" + tenantId))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + Pipeline.ADMIN_KEY)
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", idempotencyKey)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as("send -> %s", answer.body()).isEqualTo(202);
            return JSON.readTree(answer.body()).path("messageId").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer of the API: its status, raw body and the body as JSON (a missing node when it is not JSON). */
    record Answer(int status, String body, JsonNode json) {
    }

    /**
     * Any call of the API with {@code bearer} as the key; {@code jsonBody} null sends no body.
     */
    Answer call(String method, String path, String jsonBody, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + bearer);
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = r.body().isEmpty() ? JSON.missingNode() : JSON.readTree(r.body());
            } catch (IOException notJson) {
                json = JSON.missingNode();
            }
            return new Answer(r.statusCode(), r.body(), json);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@link #call} with the admin key and an object body. */
    Answer admin(String method, String path, Object body) {
        try {
            return call(method, path, body == null ? null : JSON.writeValueAsString(body), Pipeline.ADMIN_KEY);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + Pipeline.ADMIN_KEY).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s -> %s", path, r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
