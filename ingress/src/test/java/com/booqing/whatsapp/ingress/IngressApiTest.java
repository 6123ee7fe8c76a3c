package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Response;
import io.javalin.testtools.TestCase;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class IngressApiTest {
    static final String TENANT = "salon-a";
    static final String SEND = "/api/whatsapp/messages/" + TENANT;

    final Topics topics = Topics.withPrefix("test.", 3);
    InMemoryEndpointDirectory directory = new InMemoryEndpointDirectory();
    MockProducer<byte[], byte[]> producer = TestIngress.producer(true);
    Ingress ingress;

    @AfterEach
    void close() {
        if (ingress != null) {
            ingress.close();
        }
    }

    void http(TestCase test) {
        ingress = TestIngress.create(producer, directory, TestEndpoints.newSecretBox(), topics,
                TestIngress.unusedRedis(), new RedisKeys("unused"));
        JavalinTest.test(ingress.javalin(), test);
    }

    static Response send(HttpClient client, String path, String json, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Authorization", "Bearer " + TestIngress.ADMIN_KEY);
        headers.putAll(extraHeaders);
        return client.request(path, b -> {
            b.post(BodyPublishers.ofString(json));
            headers.forEach(b::header);
        });
    }

    static JsonNode json(Response response) throws Exception {
        return Json.lenient().readTree(response.body().string());
    }

    SendCommand onlySendCommand() {
        assertThat(producer.history()).hasSize(1);
        ProducerRecord<byte[], byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo(topics.sendCommands().name());
        Decoded<SendCommand> decoded = ((JsonSerde<SendCommand>) topics.sendCommands().valueSerde()).decode(record.value());
        assertThat(decoded).isInstanceOf(Decoded.Ok.class);
        SendCommand command = ((Decoded.Ok<SendCommand>) decoded).value();
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(command.partitionKey());
        return command;
    }

    @Test
    void sendCommandIsPublishedAndAnswered202() throws Exception {
        http((server, client) -> {
            Response response = send(client, SEND,
                    "{\"to\":\"+31612345678\",\"type\":\"text\",\"content\":\"Hello from Booqing!\"}",
                    Map.of("Idempotency-Key", "booking-42-reminder"));

            assertThat(response.code()).isEqualTo(202);
            SendCommand command = onlySendCommand();
            assertThat(command.tenantId()).isEqualTo(TENANT);
            assertThat(command.to()).isEqualTo("+31612345678");
            assertThat(command.message()).isEqualTo(new MessageContent.Text("Hello from Booqing!", null));
            assertThat(command.idempotencyKey()).isEqualTo("booking-42-reminder");
            assertThat(command.requestedAt()).isEqualTo(TestIngress.NOW);
            assertThat(command.messageId()).isEqualTo(EventIds.outboundMessageId(TENANT, "booking-42-reminder"));
            assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8))
                    .isEqualTo(TENANT + ":+31612345678");
            JsonNode body = json(response);
            assertThat(body.get("messageId").asText()).isEqualTo(command.messageId());
            assertThat(body.get("status").asText()).isEqualTo("pending");
            assertThat(body.get("idempotencyKey").asText()).isEqualTo("booking-42-reminder");
            assertThat(body.has("idempotencyKeyGenerated")).isFalse();
        });
    }

    @Test
    void sendsImageInTheBriefsShape() {
        http((server, client) -> {
            Response response = send(client, SEND, "{\"to\":\"31612345678\",\"deviceId\":\"dev_1\",\"type\":\"image\","
                    + "\"content\":\"\",\"mediaUrl\":\"https://example.com/image.jpg\",\"caption\":\"Check this out!\","
                    + "\"idempotencyKey\":\"img-1\"}", Map.of());

            assertThat(response.code()).isEqualTo(202);
            SendCommand command = onlySendCommand();
            assertThat(command.deviceId()).isEqualTo("dev_1");
            assertThat(command.message())
                    .isEqualTo(new MessageContent.Image("https://example.com/image.jpg", null, null, "Check this out!"));
        });
    }

    @Test
    void sendsAnyOutboundKindInTheMessageShape() {
        http((server, client) -> {
            Response response = send(client, SEND, "{\"to\":\"31612345678\",\"endpointId\":\"ep_cloud1\","
                    + "\"idempotencyKey\":\"tpl-1\",\"notAfter\":\"2025-06-01T13:00:00Z\","
                    + "\"message\":{\"type\":\"template\",\"name\":\"appointment_reminder\",\"language\":\"nl\","
                    + "\"components\":[{\"type\":\"body\",\"parameters\":[{\"type\":\"text\",\"text\":\"14:00\"}]}]}}",
                    Map.of());

            assertThat(response.code()).isEqualTo(202);
            SendCommand command = onlySendCommand();
            assertThat(command.endpointId()).isEqualTo("ep_cloud1");
            assertThat(command.notAfter()).isEqualTo(Instant.parse("2025-06-01T13:00:00Z"));
            assertThat(command.message()).isInstanceOfSatisfying(MessageContent.Template.class,
                    t -> assertThat(t.name()).isEqualTo("appointment_reminder"));
        });
    }

    @Test
    void generatesAnIdempotencyKeyWhenNoneIsGivenAndSaysSo() {
        http((server, client) -> {
            Response response = send(client, SEND, "{\"to\":\"31612345678\",\"type\":\"text\",\"content\":\"hi\"}",
                    Map.of());

            assertThat(response.code()).isEqualTo(202);
            JsonNode body = json(response);
            assertThat(body.get("idempotencyKeyGenerated").asBoolean()).isTrue();
            SendCommand command = onlySendCommand();
            assertThat(command.idempotencyKey()).isEqualTo(body.get("idempotencyKey").asText()).isNotBlank();
            assertThat(body.get("messageId").asText()).isEqualTo(command.messageId());
        });
    }

    static Stream<Arguments> invalidSendRequests() {
        return Stream.of(
                Arguments.of("recipient with letters", "{\"to\":\"call-me\",\"type\":\"text\",\"content\":\"hi\"}",
                        "invalid_request", "'to'"),
                Arguments.of("no recipient", "{\"type\":\"text\",\"content\":\"hi\"}", "invalid_request", "'to'"),
                Arguments.of("empty text", "{\"to\":\"316\",\"type\":\"text\",\"content\":\" \"}",
                        "invalid_request", "'content'"),
                Arguments.of("image without url", "{\"to\":\"316\",\"type\":\"image\",\"content\":\"\"}",
                        "invalid_request", "'mediaUrl'"),
                Arguments.of("image with a file url", "{\"to\":\"316\",\"type\":\"image\",\"mediaUrl\":\"file:///etc/passwd\"}",
                        "invalid_request", "'mediaUrl'"),
                Arguments.of("neither type nor message", "{\"to\":\"316\"}", "invalid_request", "'message'"),
                Arguments.of("both type and message",
                        "{\"to\":\"316\",\"type\":\"text\",\"content\":\"a\",\"message\":{\"type\":\"text\",\"body\":\"b\"}}",
                        "invalid_request", "not both"),
                Arguments.of("inbound-only kind",
                        "{\"to\":\"316\",\"message\":{\"type\":\"button_reply\",\"id\":\"x\",\"title\":\"Yes\"}}",
                        "invalid_request", "button_reply"),
                Arguments.of("unknown field", "{\"to\":\"316\",\"type\":\"text\",\"content\":\"hi\",\"colour\":\"red\"}",
                        "invalid_json", "'colour'"),
                Arguments.of("unknown field inside message",
                        "{\"to\":\"316\",\"message\":{\"type\":\"text\",\"body\":\"hi\",\"font\":\"x\"}}",
                        "invalid_json", "'message.font'"),
                Arguments.of("wrong type of field", "{\"to\":\"316\",\"type\":\"text\",\"content\":\"hi\",\"notAfter\":\"soon\"}",
                        "invalid_json", "'notAfter'"),
                Arguments.of("malformed JSON", "{\"to\":\"316\",", "invalid_json", "not valid JSON"),
                Arguments.of("empty body", "", "invalid_json", "empty"),
                Arguments.of("JSON array instead of object", "[1]", "invalid_json", "expected shape"),
                Arguments.of("malformed device id", "{\"to\":\"316\",\"deviceId\":\"x:y\",\"type\":\"text\",\"content\":\"hi\"}",
                        "invalid_request", "'deviceId'"),
                Arguments.of("idempotency key with spaces",
                        "{\"to\":\"316\",\"type\":\"text\",\"content\":\"hi\",\"idempotencyKey\":\"a b\"}",
                        "invalid_request", "idempotency key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSendRequests")
    void refusesInvalidSendRequestNamingTheProblem(String name, String body, String code, String mentioned) {
        http((server, client) -> {
            Response response = send(client, SEND, body, Map.of());

            assertThat(response.code()).isEqualTo(400);
            JsonNode json = json(response);
            assertThat(json.get("code").asText()).isEqualTo(code);
            assertThat(json.get("message").asText()).contains(mentioned);
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void refusesDifferingIdempotencyKeysInBodyAndHeader() {
        http((server, client) -> {
            Response response = send(client, SEND,
                    "{\"to\":\"316\",\"type\":\"text\",\"content\":\"hi\",\"idempotencyKey\":\"a\"}",
                    Map.of("Idempotency-Key", "b"));

            assertThat(response.code()).isEqualTo(400);
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void refusesInvalidTenantId() {
        http((server, client) -> {
            Response response = send(client, "/api/whatsapp/messages/bad*tenant",
                    "{\"to\":\"316\",\"type\":\"text\",\"content\":\"hi\"}", Map.of());

            assertThat(response.code()).isEqualTo(400);
            assertThat(json(response).get("code").asText()).isEqualTo("invalid_tenant_id");
        });
    }

    @Test
    void answers503WhenKafkaDoesNotAcknowledgeTheSendCommand() {
        producer = TestIngress.producer(false);
        http((server, client) -> {
            Response response = send(client, SEND, "{\"to\":\"316\",\"type\":\"text\",\"content\":\"hi\"}", Map.of());

            assertThat(response.code()).isEqualTo(503);
            assertThat(response.headers().get("Retry-After")).containsExactly("5");
            assertThat(json(response).get("code").asText()).isEqualTo("unavailable");
        });
    }

    @Test
    void refusesOversizeAndNonJsonSendRequests() {
        http((server, client) -> {
            String big = "{\"to\":\"316\",\"type\":\"text\",\"content\":\"" + "x".repeat(TestIngress.MAX_BODY_BYTES) + "\"}";
            Response oversize = send(client, SEND, big, Map.of());
            Response form = send(client, SEND, "to=316&content=hi",
                    Map.of("Content-Type", "application/x-www-form-urlencoded"));

            assertThat(oversize.code()).isEqualTo(413);
            assertThat(form.code()).isEqualTo(415);
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void answers413WhileTheClientIsStillSendingAnOversizeBody() {
        // 2 MiB is far more than the loopback socket buffers hold, so the answer is written while the client is
        // still sending; unread bytes at close would reset the connection and destroy the answer.
        String big = "{\"to\":\"316\",\"type\":\"text\",\"content\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        http((server, client) -> {
            var jdk = java.net.http.HttpClient.newHttpClient();
            for (String bearer : new String[]{TestIngress.ADMIN_KEY, "wrong-key"}) {
                for (int i = 0; i < 10; i++) {
                    var response = jdk.send(java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://127.0.0.1:" + server.port() + SEND))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + bearer)
                            .POST(BodyPublishers.ofString(big)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());

                    assertThat(response.statusCode()).isEqualTo(bearer.equals("wrong-key") ? 401 : 413);
                    assertThat(response.body()).contains(bearer.equals("wrong-key") ? "unauthorized" : "payload_too_large");
                }
            }
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void answersAClientThatDeclaresABodyAndSendsNoneWithinTheDrainBound() {
        http((server, client) -> {
            RawHead answer = headersOnly(server.port(), "Content-Length: 1000\r\n");

            assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 401");
            // The body is waited for at most Bodies.DISCARD_LIMIT_NANOS (2 s), not the 30 s idle timeout.
            assertThat(answer.tookMillis()).isLessThan(5_000);
        });
    }

    @Test
    void refusesAtOnceAClientThatWaitsFor100ContinueWithoutInvitingItsBody() {
        http((server, client) -> {
            RawHead answer = headersOnly(server.port(), "Expect: 100-continue\r\nContent-Length: 1000000\r\n");

            // Not "HTTP/1.1 100" (an invitation to send a body that would be thrown away), and not after the
            // drain's 2 s.
            assertThat(answer.statusLine()).isEqualTo("HTTP/1.1 401");
            assertThat(answer.tookMillis()).isLessThan(1_500);
        });
    }

    /** The first 12 bytes of the answer ("HTTP/1.1 401") and how long they took. */
    record RawHead(String statusLine, long tookMillis) {
    }

    /** A send request with a wrong key, its headers ending with {@code lastHeaders}, and no body at all. */
    static RawHead headersOnly(int port, String lastHeaders) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            long start = System.nanoTime();
            socket.getOutputStream().write(("POST " + SEND + " HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer wrong-key\r\nContent-Type: application/json\r\n" + lastHeaders
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return new RawHead(head, (System.nanoTime() - start) / 1_000_000);
        }
    }

    static Stream<Arguments> unauthorisedCalls() {
        return Stream.of(
                Arguments.of("no Authorization header", null),
                Arguments.of("wrong key", "Bearer not-the-admin-key-at-all"),
                Arguments.of("key with a character missing",
                        "Bearer " + TestIngress.ADMIN_KEY.substring(0, TestIngress.ADMIN_KEY.length() - 1)),
                Arguments.of("key without the Bearer scheme", TestIngress.ADMIN_KEY),
                Arguments.of("key as Basic credentials", "Basic " + TestIngress.ADMIN_KEY),
                Arguments.of("empty bearer token", "Bearer "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unauthorisedCalls")
    void rejectsApiCallsWithoutAValidKey(String name, String authorization) {
        http((server, client) -> {
            String unauthorized = "{\"code\":\"unauthorized\",\"message\":\"a valid API key is required\"}";
            Response post = client.request(SEND, b -> {
                b.post(BodyPublishers.ofString("{\"to\":\"316\",\"type\":\"text\",\"content\":\"hi\"}"));
                b.header("Content-Type", "application/json");
                if (authorization != null) {
                    b.header("Authorization", authorization);
                }
            });
            for (String path : new String[]{"/api/whatsapp/conversations/" + TENANT,
                    "/api/whatsapp/conversations/" + TENANT + "/316/messages",
                    "/api/whatsapp/messages/" + TENANT + "/msg_0123"}) {
                Response get = client.get(path, b -> {
                    if (authorization != null) {
                        b.header("Authorization", authorization);
                    }
                });
                assertThat(get.code()).as(path).isEqualTo(401);
                assertThat(get.body().string()).as(path).isEqualTo(unauthorized);
            }

            assertThat(post.code()).isEqualTo(401);
            assertThat(post.body().string()).isEqualTo(unauthorized);
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void unknownRouteAnswersJson404() {
        http((server, client) -> {
            Response response = client.get("/api/whatsapp/nothing-here");

            assertThat(response.code()).isEqualTo(404);
            assertThat(json(response).get("code").asText()).isEqualTo("not_found");
        });
    }

    @Test
    void unexpectedFailureAnswers500WithoutDetails() {
        directory = new InMemoryEndpointDirectory() {
            @Override
            public Optional<Endpoint> find(String endpointId) {
                throw new IllegalStateException("secret-looking detail sk_live_123");
            }
        };
        http((server, client) -> {
            Response response = client.request("/api/whatsapp/webhook/" + TENANT + "/ep_x", b -> {
                b.post(BodyPublishers.ofString("{}"));
                b.header("Content-Type", "application/json");
            });

            assertThat(response.code()).isEqualTo(500);
            assertThat(response.body().string()).isEqualTo("{\"code\":\"internal_error\",\"message\":\"internal error\"}");
        });
    }
}
