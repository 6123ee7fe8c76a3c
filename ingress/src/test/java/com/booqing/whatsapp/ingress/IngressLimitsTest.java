package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.javalin.testtools.TestCase;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.booqing.whatsapp.ingress.IngressWebhookTest.BODY;
import static com.booqing.whatsapp.ingress.IngressWebhookTest.BOX;
import static com.booqing.whatsapp.ingress.IngressWebhookTest.EP;
import static com.booqing.whatsapp.ingress.IngressWebhookTest.INVALID_SIGNATURE;
import static com.booqing.whatsapp.ingress.IngressWebhookTest.OTHER_EP;
import static com.booqing.whatsapp.ingress.IngressWebhookTest.OTHER_SECRET;
import static com.booqing.whatsapp.ingress.IngressWebhookTest.OTHER_TENANT;
import static com.booqing.whatsapp.ingress.IngressWebhookTest.SECRET;
import static com.booqing.whatsapp.ingress.IngressWebhookTest.TENANT;
import static com.booqing.whatsapp.ingress.IngressWebhookTest.WEBHOOK;
import static com.booqing.whatsapp.ingress.IngressWebhookTest.post;
import static com.booqing.whatsapp.ingress.IngressWebhookTest.signedHeaders;
import static com.booqing.whatsapp.ingress.TestEndpoints.cloudApiSignature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limits that protect the ingress itself: per-endpoint rate, header size, idle connections. */
class IngressLimitsTest {
    /** Monotonic time is frozen in {@link TestIngress}: exactly this many pass, nothing refills. */
    static final int RATE = 3;

    final Topics topics = Topics.withPrefix("test.", 3);
    final InMemoryEndpointDirectory directory = new InMemoryEndpointDirectory()
            .put(TestEndpoints.cloudApi(BOX, TENANT, EP, SECRET, "verify-token-a"))
            .put(TestEndpoints.cloudApi(BOX, OTHER_TENANT, OTHER_EP, OTHER_SECRET, "verify-token-b"));
    final MockProducer<byte[], byte[]> producer = TestIngress.producer(true);
    Ingress ingress;

    @AfterEach
    void close() {
        if (ingress != null) {
            ingress.close();
        }
    }

    void http(IngressConfig config, TestCase test) {
        ingress = TestIngress.create(config, producer, directory, BOX, topics, TestIngress.unusedRedis(),
                new RedisKeys("unused"));
        JavalinTest.test(ingress.javalin(), test);
    }

    static IngressConfig config(int ratePerSecond, Duration idleTimeout) {
        return config(ratePerSecond, idleTimeout, IngressConfig.DEFAULT_HEADER_TIMEOUT);
    }

    static IngressConfig config(int ratePerSecond, Duration idleTimeout, Duration headerTimeout) {
        IngressConfig d = TestIngress.config();
        return new IngressConfig(d.host(), d.port(), d.adminApiKey(), d.maxBodyBytes(), d.kafkaAckTimeout(),
                ratePerSecond, d.maxHeaderBytes(), idleTimeout, headerTimeout, d.maxConnections(), d.management(),
                d.stream());
    }

    /** A short head deadline under the default (long) idle timeout: only the deadline can close a connection. */
    static IngressConfig headDeadline(Duration headerTimeout) {
        return config(IngressConfig.DEFAULT_WEBHOOK_RATE_PER_SECOND, IngressConfig.DEFAULT_IDLE_TIMEOUT,
                headerTimeout);
    }

    static IngressConfig rateLimited() {
        return config(RATE, IngressConfig.DEFAULT_IDLE_TIMEOUT);
    }

    static List<Integer> statuses(List<Response> responses) {
        return responses.stream().map(Response::code).toList();
    }

    @Test
    void rateLimitsAFloodingEndpointWith429() {
        http(rateLimited(), (server, client) -> {
            List<Response> responses = new ArrayList<>();
            for (int i = 0; i < RATE + 2; i++) {
                responses.add(post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature(SECRET, BODY))));
            }

            assertThat(statuses(responses)).containsExactly(200, 200, 200, 429, 429);
            Response limited = responses.get(RATE);
            assertThat(limited.headers().get("Retry-After")).containsExactly("1");
            assertThat(limited.body().string()).isEqualTo(
                    "{\"code\":\"rate_limited\",\"message\":\"too many webhooks for this endpoint; retry later\"}");
            assertThat(producer.history()).hasSize(RATE);
            assertThat(client.get("/metrics").body().string())
                    .contains("ingress_webhooks_refused_total{reason=\"rate_limited\"} 2.0");
        });
    }

    @Test
    void anotherEndpointIsNotLimitedByItsNeighbour() {
        http(rateLimited(), (server, client) -> {
            for (int i = 0; i < RATE + 1; i++) {
                post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature(SECRET, BODY)));
            }

            Response neighbour = post(client, WEBHOOK + OTHER_TENANT + "/" + OTHER_EP, BODY,
                    signedHeaders(cloudApiSignature(OTHER_SECRET, BODY)));

            assertThat(neighbour.code()).isEqualTo(200);
            assertThat(producer.history()).hasSize(RATE + 1);
        });
    }

    /* The limit comes before any signature work: a flood of forgeries is cut off just the same. */
    @Test
    void forgedWebhooksUseUpTheSameBudget() {
        http(rateLimited(), (server, client) -> {
            List<Response> responses = new ArrayList<>();
            for (int i = 0; i < RATE + 1; i++) {
                responses.add(post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature("guess", BODY))));
            }
            responses.add(post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature(SECRET, BODY))));

            assertThat(statuses(responses)).containsExactly(401, 401, 401, 429, 429);
            assertThat(producer.history()).isEmpty();
        });
    }

    /* Being limited must not tell which endpoints exist: an unknown path is limited exactly like a real one. */
    @Test
    void unknownEndpointIsLimitedExactlyLikeAKnownOne() {
        http(rateLimited(), (server, client) -> {
            List<Response> known = new ArrayList<>();
            List<Response> unknown = new ArrayList<>();
            for (int i = 0; i < RATE + 1; i++) {
                known.add(post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature("guess", BODY))));
                unknown.add(post(client, WEBHOOK + TENANT + "/ep_nope", BODY, signedHeaders(cloudApiSignature("guess", BODY))));
            }

            assertThat(statuses(unknown)).isEqualTo(statuses(known)).containsExactly(401, 401, 401, 429);
            assertThat(unknown.get(0).body().string()).isEqualTo(INVALID_SIGNATURE);
            assertThat(unknown.get(RATE).body().string()).isEqualTo(known.get(RATE).body().string());
        });
    }

    @Test
    void oversizedHeadersAreRefused() {
        http(TestIngress.config(), (server, client) -> {
            Map<String, String> big = signedHeaders(cloudApiSignature(SECRET, BODY));
            big.put("X-Padding", "a".repeat(IngressConfig.DEFAULT_MAX_HEADER_BYTES + 1024));
            Response refused = post(client, WEBHOOK + TENANT + "/" + EP, BODY, big);

            assertThat(refused.code()).isEqualTo(431);
            assertThat(refused.body().string()).isEqualTo(
                    "{\"code\":\"request_header_fields_too_large\",\"message\":\"request header fields too large\"}");
            assertThat(producer.history()).isEmpty();
            assertThat(client.get("/metrics").body().string())
                    .contains("ingress_http_refused_total{status=\"431\"} 1.0");
        });
    }

    /* Jetty's own default is 8 KiB: headers between that and our limit must still get through. */
    @Test
    void headersUnderTheConfiguredLimitAreAccepted() {
        http(TestIngress.config(), (server, client) -> {
            Map<String, String> large = signedHeaders(cloudApiSignature(SECRET, BODY));
            large.put("X-Padding", "a".repeat(12 * 1024));

            assertThat(post(client, WEBHOOK + TENANT + "/" + EP, BODY, large).code()).isEqualTo(200);
        });
    }

    /* A client that sends half a request and then nothing must not hold the connection beyond the idle timeout. */
    @Test
    void closesTheConnectionOfAClientThatStallsMidRequest() {
        http(config(IngressConfig.DEFAULT_WEBHOOK_RATE_PER_SECOND, Duration.ofMillis(300)), (server, client) -> {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + WEBHOOK + TENANT + "/" + EP + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long started = System.nanoTime();

                String answer = readUntilClosed(socket.getInputStream());

                Duration waited = Duration.ofNanos(System.nanoTime() - started);
                assertThat(waited).isBetween(Duration.ofMillis(200), Duration.ofSeconds(5));
                assertThat(answer).satisfiesAnyOf(a -> assertThat(a).isEmpty(),
                        a -> assertThat(a).startsWith("HTTP/1.1 408"));
            }
            assertThat(producer.history()).isEmpty();
        });
    }

    /*
     * Slowloris: a byte of the head every 100 ms is never silent long enough for the idle timeout (30 s here), so
     * only the head deadline ends it, and well before the idle timeout would.
     */
    @Test
    void closesAConnectionThatTricklesItsHeadersPastTheDeadline() {
        Duration deadline = Duration.ofMillis(500);
        http(headDeadline(deadline), (server, client) -> {
            byte[] head = ("POST " + WEBHOOK + TENANT + "/" + EP + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "X-Padding: " + "a".repeat(200) + "\r\n").getBytes(StandardCharsets.US_ASCII);

            assertThat(trickle(server.port(), head)).isBetween(deadline, Duration.ofSeconds(3));
            assertThat(producer.history()).isEmpty();
            assertThat(client.get("/metrics").body().string())
                    .contains("whatsapp_ingress_http_header_timeouts_total 1.0");
        });
    }

    /* Blank lines before a request line keep Jetty's parser at its start: they are a head in progress all the same. */
    @Test
    void closesAConnectionThatPadsWithBlankLinesPastTheDeadline() {
        Duration deadline = Duration.ofMillis(500);
        http(headDeadline(deadline), (server, client) -> {
            byte[] blankLines = "\r\n".repeat(200).getBytes(StandardCharsets.US_ASCII);

            assertThat(trickle(server.port(), blankLines)).isBetween(deadline, Duration.ofSeconds(3));
            assertThat(client.get("/metrics").body().string())
                    .contains("whatsapp_ingress_http_header_timeouts_total 1.0");
        });
    }

    /** The defaults, with at most {@code connections} open connections. */
    static IngressConfig connectionLimit(int connections) {
        IngressConfig d = config(IngressConfig.DEFAULT_WEBHOOK_RATE_PER_SECOND, IngressConfig.DEFAULT_IDLE_TIMEOUT);
        return new IngressConfig(d.host(), d.port(), d.adminApiKey(), d.maxBodyBytes(), d.kafkaAckTimeout(),
                d.webhookRatePerSecond(), d.maxHeaderBytes(), d.idleTimeout(), d.headerTimeout(), connections,
                d.management(), d.stream());
    }

    /* A retry storm waits in the kernel's accept queue, not in the heap: beyond the limit nothing is accepted. */
    @Test
    void holdsNewConnectionsBackWhileTheConnectionLimitIsReached() {
        http(connectionLimit(10), (server, client) -> {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    idle.add(new Socket("127.0.0.1", server.port()));
                }
                try (Socket waiting = new Socket("127.0.0.1", server.port())) {
                    waiting.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    waiting.setSoTimeout(1_000);
                    InputStream in = waiting.getInputStream();
                    assertThatThrownBy(in::read).as("no answer while the limit is reached")
                            .isInstanceOf(java.net.SocketTimeoutException.class);

                    idle.remove(0).close();
                    idle.remove(0).close();
                    waiting.setSoTimeout(5_000);
                    String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                    assertThat(answer).startsWith("HTTP/1.1 200");
                }
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        });
    }

    @Test
    void closesIdleKeepAliveConnectionsSoonWhileTheConnectionLimitIsReached() {
        http(connectionLimit(10), (server, client) -> {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 9; i++) {
                    idle.add(new Socket("127.0.0.1", server.port()));
                }
                // Jetty shortens the idle timeout of the connections it has open when the limit is reached; the
                // nine must be open (not merely accepted) by then, as a provider's pool is after a retry storm.
                Thread.sleep(300);
                idle.add(new Socket("127.0.0.1", server.port()));
                long start = System.nanoTime();
                try (Socket waiting = new Socket("127.0.0.1", server.port())) {
                    waiting.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    waiting.setSoTimeout(15_000);
                    String answer = new String(waiting.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    Duration waited = Duration.ofNanos(System.nanoTime() - start);

                    assertThat(answer).as("answered once idle connections were closed, none closed by the test")
                            .startsWith("HTTP/1.1 200");
                    assertThat(waited).as("well before the %s idle timeout", IngressConfig.DEFAULT_IDLE_TIMEOUT)
                            .isLessThan(IngressConfig.DEFAULT_IDLE_TIMEOUT.dividedBy(2));
                }
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        });
    }

    /**
     * Sends {@code bytes} one every 100 ms on a new connection and returns how long the server took to close it;
     * fails if it never does.
     */
    static Duration trickle(int port, byte[] bytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(100); // a read that times out is the pause between two bytes
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            long started = System.nanoTime();
            for (byte b : bytes) {
                try {
                    out.write(b);
                    out.flush();
                    if (in.read() == -1) { // the server sends nothing before the head is complete
                        return Duration.ofNanos(System.nanoTime() - started);
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // next byte
                } catch (IOException reset) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
            }
            throw new AssertionError("the connection was still open after " + bytes.length + " bytes in "
                    + Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /* Between requests a keep-alive connection is idle, not slow: the idle timeout covers it, not the deadline. */
    @Test
    void keepsAnIdleKeepAliveConnectionOpenPastTheHeadDeadline() {
        Duration deadline = Duration.ofMillis(200);
        http(headDeadline(deadline), (server, client) -> {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(5_000);
                byte[] request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(request);
                out.flush();
                assertThat(readResponse(in)).startsWith("HTTP/1.1 ");

                Thread.sleep(deadline.multipliedBy(5).toMillis()); // idle for several deadlines (and sweeps)
                out.write(request);
                out.flush();

                assertThat(readResponse(in)).startsWith("HTTP/1.1 ");
            }
        });
    }

    /* A body sent slowly is the idle timeout's and the body rate's business: the head was complete in time. */
    @Test
    void doesNotCutAWebhookWhoseBodyArrivesSlowerThanTheHeadDeadline() {
        Duration deadline = Duration.ofMillis(200);
        http(headDeadline(deadline), (server, client) -> {
            byte[] body = BODY;
            String head = "POST " + WEBHOOK + TENANT + "/" + EP + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nX-Hub-Signature-256: " + cloudApiSignature(SECRET, BODY)
                    + "\r\nContent-Length: " + body.length + "\r\n\r\n";
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(5_000);
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                int half = body.length / 2;
                out.write(body, 0, half);
                out.flush();
                Thread.sleep(deadline.multipliedBy(5).toMillis()); // the body stalls for several deadlines
                out.write(body, half, body.length - half);
                out.flush();

                assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
            }
            assertThat(producer.history()).hasSize(1);
        });
    }

    /** One response's status line and headers, its body read by Content-Length or chunks and dropped. */
    static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("content-length: *(\\d+)").matcher(lower);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        } else if (lower.contains("transfer-encoding: chunked")) {
            StringBuilder rest = new StringBuilder();
            while (!rest.toString().endsWith("\r\n0\r\n\r\n") && !rest.toString().startsWith("0\r\n\r\n")) {
                int b = in.read();
                if (b == -1) {
                    throw new IOException("closed in a chunked body");
                }
                rest.append((char) b);
            }
        }
        return head.toString();
    }

    /** Everything the server sends until it closes; a read timeout (server kept it open) fails the test. */
    static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
            received.write(buffer, 0, n);
        }
        return received.toString(StandardCharsets.US_ASCII);
    }
}
