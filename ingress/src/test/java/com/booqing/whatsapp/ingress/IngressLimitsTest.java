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
        IngressConfig d = TestIngress.config();
        return new IngressConfig(d.host(), d.port(), d.adminApiKey(), d.maxBodyBytes(), d.kafkaAckTimeout(),
                ratePerSecond, d.maxHeaderBytes(), idleTimeout, d.management(), d.stream());
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
