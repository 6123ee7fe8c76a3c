package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.Response;

import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;

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

    private static JsonNode parse(String body) {
        try {
            JsonNode n = Json.lenient().readTree(body);
            return n == null ? MissingNode.getInstance() : n;
        } catch (Exception e) {
            return MissingNode.getInstance();
        }
    }
}
