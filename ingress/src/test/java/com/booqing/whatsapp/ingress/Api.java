package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import com.booqing.whatsapp.common.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** HTTP calls against the ingress under test, each answer kept so that a test can check all of them at once. */
final class Api {
    private final HttpClient client;
    private final List<String> bodies;

    Api(HttpClient client, List<String> bodies) {
        this.client = client;
        this.bodies = bodies;
    }

    record Reply(int code, String body, JsonNode json, io.javalin.testtools.HttpHeaders headers) {
        String text(String field) {
            JsonNode v = json.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }

        @Override
        public String toString() {
            return code + " " + body;
        }
    }

    /** http://127.0.0.1:port of the ingress under test. */
    String origin() {
        return client.getOrigin();
    }

    Reply get(String path, String key) {
        return call("GET", path, key, null);
    }

    Reply post(String path, String key, String json) {
        return call("POST", path, key, json);
    }

    Reply put(String path, String key, String json) {
        return call("PUT", path, key, json);
    }

    Reply delete(String path, String key) {
        return call("DELETE", path, key, null);
    }

    /** @param key the bearer token, or null for none; @param json the body, or null for none */
    Reply call(String method, String path, String key, String json) {
        return callWithContentType(method, path, key, json, "application/json");
    }

    Reply callWithContentType(String method, String path, String key, String json, String contentType) {
        Response r = client.request(path, b -> {
            var body = json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json);
            switch (method) {
                case "GET" -> b.get();
                case "POST" -> b.post(body);
                case "PUT" -> b.put(body);
                case "DELETE" -> b.delete(body);
                default -> throw new IllegalArgumentException(method);
            }
            if (json != null) {
                b.header("Content-Type", contentType);
            }
            if (key != null) {
                b.header("Authorization", "Bearer " + key);
            }
        });
        String body = r.body().string();
        bodies.add(body);
        return new Reply(r.code(), body, parse(body), r.headers());
    }

    /**
     * A GET whose answer may be an endless event stream: the body is read up to the end of its first event (or to
     * its end, for an error), at most 5 s, and the connection is then closed.
     */
    Reply stream(String path, String key) {
        java.net.http.HttpClient http = AuditedHttpClient.of(java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(client.getOrigin() + path)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                String body = CompletableFuture.supplyAsync(() -> firstEvent(in)).get(5, TimeUnit.SECONDS);
                bodies.add(body);
                return new Reply(r.statusCode(), body, parse(body), new io.javalin.testtools.HttpHeaders(r.headers()));
            }
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        }
    }

    private static String firstEvent(InputStream in) {
        StringBuilder out = new StringBuilder();
        try {
            int c;
            while ((c = in.read()) >= 0) {
                out.append((char) c);
                int data = out.indexOf("\ndata: ");
                if (data >= 0 && out.indexOf("\n\n", data) >= 0) {
                    break;
                }
            }
        } catch (IOException e) {
            // the connection ended: what was read is the answer
        }
        return new String(out.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode n = Json.lenient().readTree(body);
            return n == null ? MissingNode.getInstance() : n;
        } catch (Exception e) {
            return MissingNode.getInstance();
        }
    }
}
