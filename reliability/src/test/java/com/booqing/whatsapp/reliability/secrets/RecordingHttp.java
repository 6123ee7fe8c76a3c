package com.booqing.whatsapp.reliability.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The run's HTTP client for the gateway's ports: every answer (status line, every header, body) is kept for the
 * canary search. An answer that shows a secret by design (the one that issues a tenant key or a stream token) is
 * kept with that secret's canary name allowed, so that every other secret is still searched in it.
 */
final class RecordingHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded answer. */
    record Recorded(String label, byte[] bytes, Set<String> allowed) {
    }

    /** An answer as the test reads it. */
    record Answer(int status, String body, JsonNode json) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();

    List<Recorded> recorded() {
        return List.copyOf(recorded);
    }

    /** Marks the last answer as showing {@code canaryName} by design. */
    void allowInLast(String canaryName) {
        Recorded last = recorded.remove(recorded.size() - 1);
        java.util.Set<String> allowed = new java.util.HashSet<>(last.allowed());
        allowed.add(canaryName);
        recorded.add(new Recorded(last.label(), last.bytes(), Set.copyOf(allowed)));
    }

    Answer send(String method, String url, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            record(method + " " + URI.create(url).getPath(), r, r.body());
            String text = new String(r.body(), StandardCharsets.UTF_8);
            JsonNode json;
            try {
                json = text.isEmpty() ? JSON.missingNode() : JSON.readTree(text);
            } catch (IOException notJson) {
                json = JSON.missingNode();
            }
            return new Answer(r.statusCode(), text, json);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + URI.create(url).getPath() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A JSON call with a Bearer key; {@code body} null sends none. */
    Answer json(String method, String url, String bearer, Object body) {
        try {
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            if (bearer != null) {
                headers.put("Authorization", "Bearer " + bearer);
            }
            if (body != null) {
                headers.put("Content-Type", "application/json");
            }
            return send(method, url, headers, body == null ? null : body instanceof String s
                    ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a Server-Sent Events stream for {@code during}, then hangs up; what arrived is recorded.
     *
     * @return the status code
     */
    int stream(String url, Map<String, String> headers, Duration during) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        headers.forEach(b::header);
        HttpResponse<InputStream> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = r.body();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    synchronized (got) {
                        got.write(buf, 0, n);
                    }
                }
            } catch (IOException closed) {
                // we hung up
            }
        });
        try {
            reading.get(during.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception stillOpen) {
            // expected: a stream does not end by itself
        } finally {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
        byte[] body;
        synchronized (got) {
            body = got.toByteArray();
        }
        record("GET " + URI.create(url).getPath() + " (stream)", r, body);
        return r.statusCode();
    }

    private void record(String label, HttpResponse<?> r, byte[] body) {
        StringBuilder head = new StringBuilder("HTTP ").append(r.statusCode()).append('\n');
        r.headers().map().forEach((k, vs) -> vs.forEach(v -> head.append(k).append(": ").append(v).append('\n')));
        head.append('\n');
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        recorded.add(new Recorded(label + " -> " + r.statusCode(), all, Set.of()));
    }
}
