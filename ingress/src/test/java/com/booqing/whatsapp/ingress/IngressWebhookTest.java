package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.ingress.webhook.WebhookHandlers;
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

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static com.booqing.whatsapp.ingress.TestEndpoints.cloudApiSignature;
import static org.assertj.core.api.Assertions.assertThat;

class IngressWebhookTest {
    static final SecretBox BOX = TestEndpoints.newSecretBox();
    static final String TENANT = "salon-a";
    static final String OTHER_TENANT = "salon-b";
    static final String EP = "ep_cloud1";
    static final String SECRET = "app-secret-a";
    static final String VERIFY_TOKEN = "verify-token-a";
    static final String OTHER_EP = "ep_cloud2";
    static final String OTHER_SECRET = "app-secret-b";
    static final String INACTIVE_EP = "ep_off";
    static final String WAHA_EP = "ep_waha";
    static final String WAHA_KEY = "waha-hmac-key";
    static final String EVO_EP = "ep_evo";
    static final String EVO_SECRET = "evo-jwt-key-0123";
    static final String WEBHOOK = "/api/whatsapp/webhook/";
    static final String INVALID_SIGNATURE =
            "{\"code\":\"invalid_signature\",\"message\":\"webhook signature is missing or invalid\"}";
    /** Spacing and non-ASCII text on purpose: the record must carry these exact bytes, not a re-serialisation. */
    static final byte[] BODY = ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\", "
            + "\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":"
            + "{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"1234567890\"},"
            + "\"messages\":[{\"from\":\"31612345678\",\"id\":\"wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQTRB\","
            + "\"timestamp\":\"1749124342\",\"type\":\"text\",\"text\":{\"body\":\"Olá, café às 10? \uD83D\uDC4B\"}}]}}]}]}\n")
            .getBytes(StandardCharsets.UTF_8);

    final Topics topics = Topics.withPrefix("test.", 3);
    final InMemoryEndpointDirectory directory = new InMemoryEndpointDirectory()
            .put(TestEndpoints.cloudApi(BOX, TENANT, EP, SECRET, VERIFY_TOKEN))
            .put(TestEndpoints.cloudApi(BOX, OTHER_TENANT, OTHER_EP, OTHER_SECRET, "verify-token-b"))
            .put(TestEndpoints.endpoint(BOX, TENANT, INACTIVE_EP, ProviderType.CLOUD_API, SECRET, VERIFY_TOKEN, false))
            .put(TestEndpoints.endpoint(BOX, TENANT, WAHA_EP, ProviderType.WAHA, WAHA_KEY, null, true))
            .put(TestEndpoints.endpoint(BOX, TENANT, EVO_EP, ProviderType.EVOLUTION, EVO_SECRET, null, true));
    MockProducer<byte[], byte[]> producer = TestIngress.producer(true);
    Ingress ingress;

    @AfterEach
    void close() {
        if (ingress != null) {
            ingress.close();
        }
    }

    void http(TestCase test) {
        http(TestIngress.config(), test);
    }

    void http(IngressConfig config, TestCase test) {
        ingress = TestIngress.create(config, producer, directory, BOX, topics, TestIngress.unusedRedis(),
                new RedisKeys("unused"));
        JavalinTest.test(ingress.javalin(), test);
    }

    static Response post(HttpClient client, String path, byte[] body, Map<String, String> headers) {
        return client.request(path, b -> {
            b.post(BodyPublishers.ofByteArray(body));
            headers.forEach(b::header);
        });
    }

    static Map<String, String> signedHeaders(String signature) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("User-Agent", "facebookexternalua");
        if (signature != null) {
            h.put("X-Hub-Signature-256", signature);
        }
        return h;
    }

    @Test
    void acceptsCloudApiWebhookWithValidSignature() {
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature(SECRET, BODY)));

            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).startsWith("{\"status\":\"accepted\",\"requestId\":\"");
            assertThat(producer.history()).hasSize(1);
            ProducerRecord<byte[], byte[]> record = producer.history().get(0);
            assertThat(record.topic()).isEqualTo(topics.webhooksRaw().name());
            assertThat(record.value()).isEqualTo(BODY);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(TENANT + ":" + EP);
            RawWebhook raw = RawWebhook.fromHeaders(record.headers(), record.value());
            assertThat(raw.tenantId()).isEqualTo(TENANT);
            assertThat(raw.endpointId()).isEqualTo(EP);
            assertThat(raw.provider()).isEqualTo(ProviderType.CLOUD_API);
            assertThat(raw.receivedAt()).isEqualTo(TestIngress.NOW);
            assertThat(response.body().string()).contains(raw.requestId());
            assertThat(raw.providerHeaders())
                    .containsEntry("content-type", "application/json")
                    .containsEntry("user-agent", "facebookexternalua")
                    .doesNotContainKey("x-hub-signature-256");
        });
    }

    /** Hex is decoded case-insensitively: the digest bytes are compared, not how the sender spelled them. */
    @Test
    void acceptsSignatureInUpperCaseHex() {
        http((server, client) -> {
            String upper = "sha256=" + cloudApiSignature(SECRET, BODY).substring(7).toUpperCase(Locale.ROOT);
            Response response = post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(upper));

            assertThat(response.code()).isEqualTo(200);
            assertThat(producer.history()).hasSize(1);
        });
    }

    static Stream<Arguments> forgedWebhooks() {
        String valid = cloudApiSignature(SECRET, BODY);
        byte[] changed = BODY.clone();
        changed[changed.length - 3] ^= 0x01;
        return Stream.of(
                Arguments.of("signature made with a wrong secret", TENANT, EP, BODY, cloudApiSignature("guess", BODY)),
                Arguments.of("no signature header", TENANT, EP, BODY, null),
                Arguments.of("empty signature header", TENANT, EP, BODY, ""),
                Arguments.of("truncated signature", TENANT, EP, BODY, valid.substring(0, valid.length() - 2)),
                Arguments.of("signature one hex digit too long", TENANT, EP, BODY, valid + "0"),
                Arguments.of("signature without the sha256= prefix", TENANT, EP, BODY, valid.substring(7)),
                Arguments.of("signature with a sha1= prefix", TENANT, EP, BODY, "sha1=" + valid.substring(7)),
                Arguments.of("signature with a non-hex digit", TENANT, EP, BODY, valid.substring(0, 70) + "zz"),
                Arguments.of("body changed by one byte", TENANT, EP, changed, valid),
                Arguments.of("signed with another tenant's secret", TENANT, EP, BODY, cloudApiSignature(OTHER_SECRET, BODY)),
                Arguments.of("another tenant's endpoint, correctly signed", TENANT, OTHER_EP, BODY,
                        cloudApiSignature(OTHER_SECRET, BODY)),
                Arguments.of("unknown endpoint", TENANT, "ep_nope", BODY, valid),
                Arguments.of("unknown tenant", "salon-z", EP, BODY, valid),
                Arguments.of("malformed tenant id", "bad*tenant", EP, BODY, valid),
                Arguments.of("inactive endpoint, correctly signed", TENANT, INACTIVE_EP, BODY, valid));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgedWebhooks")
    void rejectsWebhookThatIsNotProvablyFromTheEndpointsProvider(String name, String tenantId, String endpointId,
                                                                 byte[] body, String signature) {
        http((server, client) -> {
            Response response = post(client, WEBHOOK + tenantId + "/" + endpointId, body, signedHeaders(signature));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).isEqualTo(INVALID_SIGNATURE);
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void answers503WhenKafkaDoesNotAcknowledge() {
        producer = TestIngress.producer(false);
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature(SECRET, BODY)));

            assertThat(response.code()).isEqualTo(503);
            assertThat(response.headers().get("Retry-After")).containsExactly("5");
            assertThat(response.body().string()).contains("\"code\":\"unavailable\"");
        });
    }

    private void awaitSends(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (producer.history().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(producer.history()).hasSize(count);
    }

    /** The answer waits for the ack, however long it takes within the timeout, without holding a thread. */
    @Test
    void answers200OnlyOnceKafkaAcknowledged() {
        producer = TestIngress.producer(false);
        IngressConfig d = TestIngress.config();
        IngressConfig patientConfig = new IngressConfig(d.host(), d.port(), d.adminApiKey(), d.maxBodyBytes(),
                Duration.ofSeconds(10), d.webhookRatePerSecond(), d.maxHeaderBytes(), d.idleTimeout(), d.headerTimeout(),
                d.maxConnections(), d.management(),
                d.stream());
        http(patientConfig, (server, client) -> {
            CompletableFuture<Response> answer = CompletableFuture.supplyAsync(() ->
                    post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature(SECRET, BODY))));
            awaitSends(1);
            Thread.sleep(200);
            assertThat(answer).isNotDone();

            assertThat(producer.completeNext()).isTrue();

            Response response = answer.get(5, TimeUnit.SECONDS);
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).startsWith("{\"status\":\"accepted\",\"requestId\":\"");
        });
    }

    /** A failure reported by the producer after the handler returned maps to the same body as any 503. */
    @Test
    void answers503WhenKafkaFailsTheRecordLater() {
        producer = TestIngress.producer(false);
        IngressConfig d = TestIngress.config();
        IngressConfig patientConfig = new IngressConfig(d.host(), d.port(), d.adminApiKey(), d.maxBodyBytes(),
                Duration.ofSeconds(10), d.webhookRatePerSecond(), d.maxHeaderBytes(), d.idleTimeout(), d.headerTimeout(),
                d.maxConnections(), d.management(),
                d.stream());
        http(patientConfig, (server, client) -> {
            CompletableFuture<Response> answer = CompletableFuture.supplyAsync(() ->
                    post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature(SECRET, BODY))));
            awaitSends(1);

            assertThat(producer.errorNext(new org.apache.kafka.common.errors.NotEnoughReplicasException("isr"))).isTrue();

            Response response = answer.get(5, TimeUnit.SECONDS);
            assertThat(response.code()).isEqualTo(503);
            assertThat(response.headers().get("Retry-After")).containsExactly("5");
            assertThat(response.body().string()).isEqualTo(
                    "{\"code\":\"unavailable\",\"message\":\"the gateway cannot accept this right now; retry later\"}");
        });
    }

    /** Opened secrets are cached, but by sealed value: an updated secret takes effect on the next webhook. */
    @Test
    void picksUpAnUpdatedWebhookSecret() {
        http((server, client) -> {
            assertThat(post(client, WEBHOOK + TENANT + "/" + EP, BODY,
                    signedHeaders(cloudApiSignature(SECRET, BODY))).code()).isEqualTo(200);

            directory.put(TestEndpoints.cloudApi(BOX, TENANT, EP, "rotated-app-secret", VERIFY_TOKEN));

            assertThat(post(client, WEBHOOK + TENANT + "/" + EP, BODY,
                    signedHeaders(cloudApiSignature(SECRET, BODY))).code()).isEqualTo(401);
            assertThat(post(client, WEBHOOK + TENANT + "/" + EP, BODY,
                    signedHeaders(cloudApiSignature("rotated-app-secret", BODY))).code()).isEqualTo(200);
        });
    }

    @Test
    void answers503WhenKafkaRefusesTheSend() {
        producer.sendException = new org.apache.kafka.common.errors.TimeoutException("metadata not available");
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature(SECRET, BODY)));

            assertThat(response.code()).isEqualTo(503);
            assertThat(response.headers().get("Retry-After")).containsExactly("5");
        });
    }

    @Test
    void answers503WhileTheEndpointDirectoryIsLoading() {
        directory.ready(false);
        http((server, client) -> {
            Response webhook = post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature(SECRET, BODY)));
            Response health = client.get("/health");

            assertThat(webhook.code()).isEqualTo(503);
            assertThat(webhook.headers().get("Retry-After")).containsExactly("5");
            assertThat(health.code()).isEqualTo(503);
            assertThat(health.body().string()).isEqualTo("{\"status\":\"starting\"}");
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void refusesOversizeWebhookBody() {
        byte[] big = oversizeJson();
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + EP, big, signedHeaders(cloudApiSignature(SECRET, big)));

            assertThat(response.code()).isEqualTo(413);
            assertThat(response.body().string()).contains("\"code\":\"payload_too_large\"");
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void refusesOversizeWebhookBodySentWithoutALength() {
        byte[] big = oversizeJson();
        http((server, client) -> {
            Response response = client.request(WEBHOOK + TENANT + "/" + EP, b -> {
                b.post(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
                signedHeaders(cloudApiSignature(SECRET, big)).forEach(b::header);
            });

            assertThat(response.code()).isEqualTo(413);
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void refusesWebhookThatIsNotJson() {
        http((server, client) -> {
            Map<String, String> headers = signedHeaders(cloudApiSignature(SECRET, BODY));
            headers.put("Content-Type", "text/plain");
            Response textPlain = post(client, WEBHOOK + TENANT + "/" + EP, BODY, headers);
            headers.remove("Content-Type");
            Response none = post(client, WEBHOOK + TENANT + "/" + EP, BODY, headers);

            assertThat(textPlain.code()).isEqualTo(415);
            assertThat(textPlain.body().string()).contains("\"code\":\"unsupported_media_type\"");
            assertThat(none.code()).isEqualTo(415);
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void acceptsJsonWithCharsetParameter() {
        http((server, client) -> {
            Map<String, String> headers = signedHeaders(cloudApiSignature(SECRET, BODY));
            headers.put("Content-Type", "application/json; charset=UTF-8");

            assertThat(post(client, WEBHOOK + TENANT + "/" + EP, BODY, headers).code()).isEqualTo(200);
        });
    }

    /** A WAHA "message" event in the envelope of [WAHA-DOCS] how-to/events "Event Payload"; ids made up. */
    static final byte[] WAHA_BODY = ("{\"id\":\"evt_01jnq0v5yqe3q9h1vq3s8m7k2a\",\"timestamp\":1748779200000,"
            + "\"event\":\"message\",\"session\":\"default\",\"me\":{\"id\":\"31600000000@c.us\",\"pushName\":\"Salon\"},"
            + "\"payload\":{\"id\":\"false_31612345678@c.us_3EB0C4F1A2\",\"timestamp\":1748779200,"
            + "\"from\":\"31612345678@c.us\",\"fromMe\":false,\"body\":\"Olá \uD83D\uDC4B\",\"hasMedia\":false},"
            + "\"engine\":\"WEBJS\",\"environment\":{\"tier\":\"CORE\",\"version\":\"2026.2.1\"}}")
            .getBytes(StandardCharsets.UTF_8);

    static Map<String, String> wahaHeaders(String hmac, String algorithm) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("User-Agent", "WAHA/2026.2.1");
        h.put("X-Webhook-Request-Id", "01JNQ0V5YRZ7M3K8Q2D4F6H8J0");
        h.put("X-Webhook-Timestamp", "1748779200123");
        h.put("X-Webhook-Hmac", hmac);
        h.put("X-Webhook-Hmac-Algorithm", algorithm);
        return h;
    }

    @Test
    void acceptsWahaWebhookWithValidHmac() {
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + WAHA_EP, WAHA_BODY,
                    wahaHeaders(TestEndpoints.wahaHmac(WAHA_KEY, WAHA_BODY), "sha512"));

            assertThat(response.code()).isEqualTo(200);
            assertThat(producer.history()).hasSize(1);
            ProducerRecord<byte[], byte[]> record = producer.history().get(0);
            assertThat(record.value()).isEqualTo(WAHA_BODY);
            RawWebhook raw = RawWebhook.fromHeaders(record.headers(), record.value());
            assertThat(raw.provider()).isEqualTo(ProviderType.WAHA);
            assertThat(raw.endpointId()).isEqualTo(WAHA_EP);
            assertThat(raw.providerHeaders())
                    .containsEntry("x-webhook-request-id", "01JNQ0V5YRZ7M3K8Q2D4F6H8J0")
                    .containsEntry("x-webhook-timestamp", "1748779200123")
                    .containsEntry("user-agent", "WAHA/2026.2.1")
                    .doesNotContainKeys("x-webhook-hmac", "x-webhook-hmac-algorithm");
        });
    }

    @Test
    void rejectsWahaWebhookWithWrongAlgorithmHeader() {
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + WAHA_EP, WAHA_BODY,
                    wahaHeaders(TestEndpoints.wahaHmac(WAHA_KEY, WAHA_BODY), "sha256"));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).isEqualTo(INVALID_SIGNATURE);
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void rejectsWahaWebhookSignedWithAnotherKey() {
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + WAHA_EP, WAHA_BODY,
                    wahaHeaders(TestEndpoints.wahaHmac("guess", WAHA_BODY), "sha512"));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).isEqualTo(INVALID_SIGNATURE);
            assertThat(producer.history()).isEmpty();
        });
    }

    /** A messages.upsert as Evolution 2.3.6 posts it (provider-wire-formats.md §3.1 [EVO-SRC]); ids made up. */
    static final byte[] EVOLUTION_BODY = ("{\"event\":\"messages.upsert\",\"instance\":\"instance\",\"data\":"
            + "{\"key\":{\"remoteJid\":\"31612345678@s.whatsapp.net\",\"fromMe\":false,\"id\":\"3EB0C4F1A2B3C4D5E6\"},"
            + "\"pushName\":\"Ana\",\"status\":\"DELIVERY_ACK\",\"message\":{\"conversation\":\"Olá\"},"
            + "\"messageType\":\"conversation\",\"messageTimestamp\":1748779200,\"instanceId\":\"0b7c\",\"source\":\"android\"},"
            + "\"destination\":\"https://gw.example/api/whatsapp/webhook/salon-a/ep_evo\",\"date_time\":\"2025-06-01T12:00:00.000Z\","
            + "\"sender\":\"31600000000@s.whatsapp.net\",\"server_url\":\"http://localhost:8080\",\"apikey\":null}")
            .getBytes(StandardCharsets.UTF_8);

    static Map<String, String> evolutionHeaders(String jwt) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("User-Agent", "axios/1.7.9");
        h.put("Authorization", "Bearer " + jwt);
        return h;
    }

    static String evolutionJwt(String secret, java.time.Instant issuedAt) {
        return TestEndpoints.jwtHs256(secret, TestEndpoints.HS256_HEADER, TestEndpoints.evolutionClaims(issuedAt));
    }

    @Test
    void acceptsEvolutionWebhookWithValidJwt() {
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + EVO_EP, EVOLUTION_BODY,
                    evolutionHeaders(evolutionJwt(EVO_SECRET, TestIngress.NOW.minusSeconds(5))));

            assertThat(response.code()).isEqualTo(200);
            assertThat(producer.history()).hasSize(1);
            RawWebhook raw = RawWebhook.fromHeaders(producer.history().get(0).headers(),
                    producer.history().get(0).value());
            assertThat(raw.provider()).isEqualTo(ProviderType.EVOLUTION);
            assertThat(raw.body()).isEqualTo(EVOLUTION_BODY);
            assertThat(raw.providerHeaders())
                    .containsEntry("user-agent", "axios/1.7.9")
                    .doesNotContainKeys("authorization", WebhookHandlers.EVOLUTION_EVENT_PATH_HEADER);
        });
    }

    @Test
    void rejectsExpiredEvolutionJwt() {
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + EVO_EP, EVOLUTION_BODY,
                    evolutionHeaders(evolutionJwt(EVO_SECRET, TestIngress.NOW.minusSeconds(3600))));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).isEqualTo(INVALID_SIGNATURE);
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void rejectsEvolutionJwtWithAlgNone() {
        String unsigned = TestEndpoints.base64url("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + TestEndpoints.base64url(TestEndpoints.evolutionClaims(TestIngress.NOW)
                .getBytes(StandardCharsets.UTF_8)) + ".";
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + EVO_EP, EVOLUTION_BODY,
                    evolutionHeaders(unsigned));

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).isEqualTo(INVALID_SIGNATURE);
            assertThat(producer.history()).isEmpty();
        });
    }

    /** Evolution with byEvents posts to {webhookUrl}/{event-kebab}; the suffix travels with the raw webhook. */
    @Test
    void acceptsEvolutionWebhookPostedToItsEventPath() {
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + EVO_EP + "/messages-upsert", EVOLUTION_BODY,
                    evolutionHeaders(evolutionJwt(EVO_SECRET, TestIngress.NOW)));

            assertThat(response.code()).isEqualTo(200);
            RawWebhook raw = RawWebhook.fromHeaders(producer.history().get(0).headers(),
                    producer.history().get(0).value());
            assertThat(raw.endpointId()).isEqualTo(EVO_EP);
            assertThat(raw.providerHeaders()).containsEntry(WebhookHandlers.EVOLUTION_EVENT_PATH_HEADER, "messages-upsert");
        });
    }

    static Stream<Arguments> eventPathsThatAreNotEvolutions() {
        return Stream.of(
                Arguments.of("Cloud API endpoint, correctly signed", EP + "/messages-upsert", BODY,
                        signedHeaders(cloudApiSignature(SECRET, BODY))),
                Arguments.of("WAHA endpoint, correctly signed", WAHA_EP + "/message", WAHA_BODY,
                        wahaHeaders(TestEndpoints.wahaHmac(WAHA_KEY, WAHA_BODY), "sha512")),
                Arguments.of("Evolution endpoint, event not in kebab case", EVO_EP + "/MESSAGES_UPSERT", EVOLUTION_BODY,
                        evolutionHeaders(evolutionJwt(EVO_SECRET, TestIngress.NOW))),
                Arguments.of("unknown endpoint", "ep_nope/messages-upsert", EVOLUTION_BODY,
                        evolutionHeaders(evolutionJwt(EVO_SECRET, TestIngress.NOW))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventPathsThatAreNotEvolutions")
    void eventPathLooksLikeABadSignatureForAnythingButEvolution(String name, String path, byte[] body,
                                                                 Map<String, String> headers) {
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/" + path, body, headers);

            assertThat(response.code()).isEqualTo(401);
            assertThat(response.body().string()).isEqualTo(INVALID_SIGNATURE);
            assertThat(producer.history()).isEmpty();
        });
    }

    @Test
    void answers500WhenTheEndpointSecretCannotBeOpened() {
        // Sealed under another key: a rotated-away encryption key is the operator's fault, not the caller's.
        SecretBox otherBox = TestEndpoints.newSecretBox();
        directory.put(TestEndpoints.cloudApi(otherBox, TENANT, "ep_rotated", SECRET, VERIFY_TOKEN));
        http((server, client) -> {
            Response response = post(client, WEBHOOK + TENANT + "/ep_rotated", BODY,
                    signedHeaders(cloudApiSignature(SECRET, BODY)));

            assertThat(response.code()).isEqualTo(500);
            assertThat(response.body().string()).isEqualTo("{\"code\":\"internal_error\",\"message\":\"internal error\"}");
        });
    }

    @Test
    void verificationHandshakeEchoesChallenge() {
        http((server, client) -> {
            Response response = client.get(WEBHOOK + TENANT + "/" + EP
                    + "?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=1158201444");

            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).isEqualTo("1158201444");
            assertThat(response.headers().get("Content-Type")).anySatisfy(v -> assertThat(v).startsWith("text/plain"));
        });
    }

    static Stream<Arguments> failedHandshakes() {
        return Stream.of(
                Arguments.of("wrong verify token", TENANT + "/" + EP,
                        "hub.mode=subscribe&hub.verify_token=guess&hub.challenge=42"),
                Arguments.of("no verify token", TENANT + "/" + EP, "hub.mode=subscribe&hub.challenge=42"),
                Arguments.of("wrong mode", TENANT + "/" + EP,
                        "hub.mode=unsubscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=42"),
                Arguments.of("no challenge", TENANT + "/" + EP, "hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN),
                Arguments.of("another tenant's endpoint", TENANT + "/" + OTHER_EP,
                        "hub.mode=subscribe&hub.verify_token=verify-token-b&hub.challenge=42"),
                Arguments.of("unknown endpoint", TENANT + "/ep_nope",
                        "hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=42"),
                Arguments.of("inactive endpoint", TENANT + "/" + INACTIVE_EP,
                        "hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=42"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failedHandshakes")
    void refusesWrongVerifyToken(String name, String path, String query) {
        http((server, client) -> {
            Response response = client.get(WEBHOOK + path + "?" + query);

            assertThat(response.code()).isEqualTo(403);
            assertThat(response.body().string())
                    .isEqualTo("{\"code\":\"verification_failed\",\"message\":\"webhook verification failed\"}");
        });
    }

    @Test
    void countsAcceptedAndRefusedWebhooks() {
        http((server, client) -> {
            post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature(SECRET, BODY)));
            post(client, WEBHOOK + TENANT + "/" + EP, BODY, signedHeaders(cloudApiSignature("guess", BODY)));
            post(client, WEBHOOK + TENANT + "/ep_nope", BODY, signedHeaders(cloudApiSignature("guess", BODY)));

            String metrics = client.get("/metrics").body().string();
            assertThat(metrics)
                    .contains("ingress_webhooks_accepted_total{provider=\"cloud-api\"} 1.0")
                    .contains("ingress_webhooks_refused_total{reason=\"invalid_signature\"} 1.0")
                    .contains("ingress_webhooks_refused_total{reason=\"unknown_endpoint\"} 1.0");
        });
    }

    @Test
    void healthIsOkWithoutCredentials() {
        http((server, client) -> {
            Response response = client.get("/health");

            assertThat(response.code()).isEqualTo(200);
            assertThat(response.body().string()).isEqualTo("{\"status\":\"ok\"}");
        });
    }

    static byte[] oversizeJson() {
        byte[] big = new byte[TestIngress.MAX_BODY_BYTES + 1];
        Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        return big;
    }
}
