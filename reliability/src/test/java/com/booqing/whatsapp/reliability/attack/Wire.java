package com.booqing.whatsapp.reliability.attack;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The attacker's side of the wire: HTTP requests with any headers and bytes, and raw bytes over a socket. */
final class Wire {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})");

    /** An answer: its status, body and the body as JSON (a missing node when it is not JSON). */
    record Answer(int status, String body, JsonNode json) {
        String code() {
            return json.path("code").asText(null);
        }
    }

    private final String base;
    private final HttpClient http = AuditedHttpClient.of(HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build());

    Wire(String base) {
        this.base = base;
    }

    /** A request; {@code headers} are sent as given (a null value leaves the header out), {@code body} may be null. */
    Answer send(String method, String path, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        headers.forEach((k, v) -> {
            if (v != null) {
                b.header(k, v);
            }
        });
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), json(r.body()));
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A POST whose body goes out chunked, without a Content-Length. */
    Answer sendChunked(String path, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        headers.forEach(b::header);
        b.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), json(r.body()));
        } catch (IOException e) {
            throw new IllegalStateException("POST " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A management call with a Bearer key and a JSON body (null: none). */
    Answer api(String method, String path, String bearer, String jsonBody) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Authorization", bearer == null ? null : "Bearer " + bearer);
        h.put("Content-Type", jsonBody == null ? null : "application/json");
        return send(method, path, h, jsonBody == null ? null : jsonBody.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(String body) {
        try {
            return body == null || body.isEmpty() ? JSON.missingNode() : JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.missingNode();
        }
    }

    /** What came back on a raw connection: every status line read, the bytes, and whether the server closed it. */
    record RawAnswer(List<Integer> statuses, String text, boolean closedByServer) {
        int first() {
            return statuses.isEmpty() ? -1 : statuses.get(0);
        }
    }

    /**
     * Writes {@code request} as-is on a fresh connection, then reads until the server closes it or
     * {@code readFor} passes without a byte.
     */
    static RawAnswer raw(int port, byte[] request, Duration readFor) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout((int) readFor.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return readAll(s.getInputStream(), readFor);
        } catch (IOException e) {
            throw new IllegalStateException("raw request failed: " + e, e);
        }
    }

    static RawAnswer readAll(InputStream in, Duration readFor) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean closed = false;
        byte[] buf = new byte[8192];
        long deadline = System.nanoTime() + readFor.multipliedBy(3).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                int n = in.read(buf);
                if (n < 0) {
                    closed = true;
                    break;
                }
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException quiet) {
            // nothing more within readFor: the connection is still open
        } catch (IOException reset) {
            closed = true; // a reset is a close too
        }
        String text = got.toString(StandardCharsets.ISO_8859_1);
        List<Integer> statuses = new ArrayList<>();
        Matcher m = STATUS_LINE.matcher(text);
        while (m.find()) {
            statuses.add(Integer.parseInt(m.group(1)));
        }
        return new RawAnswer(statuses, text, closed);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
