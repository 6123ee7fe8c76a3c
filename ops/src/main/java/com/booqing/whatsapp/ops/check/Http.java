package com.booqing.whatsapp.ops.check;

import com.booqing.whatsapp.common.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The few HTTP calls {@code test} makes (ingress, simulator admin API), each bounded in time. */
final class Http {
    private static final ObjectMapper JSON = Json.lenient();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** @param status 0 when there was no answer; {@code error} then says why */
    record Answer(int status, String body, JsonNode json, String error) {
        boolean answered() {
            return status > 0;
        }

        /** "answered 401 invalid_signature: ..." or "did not answer (ConnectException)", after a subject. */
        String outcome() {
            if (!answered()) {
                return "did not answer (" + error + ")";
            }
            String code = json.path("code").asText("");
            String message = json.path("message").asText("");
            return "answered " + status + (code.isEmpty() ? "" : " " + code) + (message.isEmpty() ? "" : ": " + message);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    Answer post(String url, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    Answer get(String url, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET();
        headers.forEach(b::header);
        return send(b.build());
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = r.body() == null || r.body().isBlank() ? JSON.missingNode() : JSON.readTree(r.body());
            } catch (IOException notJson) {
                json = JSON.missingNode();
            }
            return new Answer(r.statusCode(), r.body(), json, null);
        } catch (IOException e) {
            String why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return new Answer(0, "", JSON.missingNode(), why);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, "", JSON.missingNode(), "interrupted");
        }
    }
}
