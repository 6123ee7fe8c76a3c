package com.booqing.whatsapp.simulator;

import com.booqing.whatsapp.simulator.evolution.EvolutionSettings;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EvolutionWebhookTest {

    private static final String KEY = "evolution-global-key";
    private static final String JWT_KEY = "jwt-signing-key";
    private static final Map<String, String> AUTH = Map.of("apikey", KEY);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private WebhookReceiver receiver;
    private Simulator simulator;
    private String base;

    @BeforeEach
    void start() {
        receiver = new WebhookReceiver();
        simulator = new Simulator(SimulatorConfig.defaults().withWebhookRetries(3, Duration.ofMillis(50))
                .withPairing(PairingTimings.fast())).start(0);
        base = simulator.registerEvolution("evo-1", "booqing", KEY, JWT_KEY, receiver.url()).apiUrl();
    }

    @AfterEach
    void stop() {
        simulator.close();
        receiver.close();
    }

    @Test
    void postsMessagesUpsertWithAVerifiableJwt() throws Exception {
        long before = Instant.now().getEpochSecond();

        WebhookDelivery delivery = simulator.postInboundText("evo-1", "5511988887777", "oi", "Maria");

        assertThat(delivery.status()).isEqualTo(200);
        WebhookReceiver.Received webhook = receiver.received().get(0);
        String authorization = webhook.headers().get("Authorization");
        assertThat(authorization).startsWith("Bearer ");
        JsonNode claims = verifiedHs256Claims(authorization.substring("Bearer ".length()), JWT_KEY);
        assertThat(claims.path("app").asText()).isEqualTo("evolution");
        assertThat(claims.path("action").asText()).isEqualTo("webhook");
        assertThat(claims.path("iat").asLong()).isBetween(before, before + 60);
        assertThat(claims.path("exp").asLong()).isEqualTo(claims.path("iat").asLong() + 600);

        JsonNode body = webhook.json();
        assertThat(body.path("event").asText()).isEqualTo("messages.upsert");
        assertThat(body.path("instance").asText()).isEqualTo("booqing");
        assertThat(body.path("destination").asText()).isEqualTo(receiver.url());
        assertThat(body.path("date_time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(body.path("sender").asText()).endsWith("@s.whatsapp.net");
        assertThat(body.path("server_url").asText()).isEqualTo(base);
        assertThat(body.has("apikey")).isTrue();
        assertThat(body.path("apikey").isNull()).isTrue();
        JsonNode data = body.path("data");
        assertThat(data.at("/key/remoteJid").asText()).isEqualTo("5511988887777@s.whatsapp.net");
        assertThat(data.at("/key/fromMe").asBoolean()).isFalse();
        assertThat(data.at("/key/id").asText()).isEqualTo(delivery.wamid());
        assertThat(data.path("pushName").asText()).isEqualTo("Maria");
        assertThat(data.at("/message/conversation").asText()).isEqualTo("oi");
        assertThat(data.path("messageType").asText()).isEqualTo("conversation");
        assertThat(data.path("messageTimestamp").asLong()).isBetween(before, before + 60);
    }

    @Test
    void lidMessagesAreAddressedByLidWithThePhoneAsAlternative() {
        simulator.postInboundFromLid("evo-1", "272516946294519", "5511988887777", "via lid");

        JsonNode key = receiver.events("messages.upsert").get(0).at("/data/key");
        assertThat(key.path("remoteJid").asText()).isEqualTo("272516946294519@lid");
        assertThat(key.path("remoteJidAlt").asText()).isEqualTo("5511988887777@s.whatsapp.net");
        assertThat(key.path("addressingMode").asText()).isEqualTo("lid");
    }

    @Test
    void postsMessagesUpdateReceiptsAfterASend() throws Exception {
        String id = Http.json(Http.call("POST", base + "/message/sendText/booqing", AUTH,
                "{\"number\":\"5511988887777\",\"text\":\"hi\"}")).at("/key/id").asText();

        await().atMost(WAIT).until(() -> receiver.events("messages.update").size() == 3);

        List<JsonNode> updates = receiver.events("messages.update");
        assertThat(updates).extracting(u -> u.at("/data/status").asText())
                .containsExactly("SERVER_ACK", "DELIVERY_ACK", "READ");
        assertThat(updates).allSatisfy(update -> {
            assertThat(update.at("/data/keyId").asText()).isEqualTo(id);
            assertThat(update.at("/data/remoteJid").asText()).isEqualTo("5511988887777@s.whatsapp.net");
            assertThat(update.at("/data/fromMe").asBoolean()).isTrue();
        });
        assertThat(receiver.events("send.message")).isEmpty();
    }

    @Test
    void byEventsPostsToOnePathPerEvent() throws Exception {
        simulator.registerEvolution("evo-2", new EvolutionSettings("second", KEY, null, null, null, null, true, true,
                Set.of("MESSAGES_UPSERT", "MESSAGES_UPDATE", "SEND_MESSAGE")), receiver.url(), true);
        Http.call("POST", simulator.endpoint("evo-2").apiUrl() + "/message/sendText/second", AUTH,
                "{\"number\":\"5511988887777\",\"text\":\"hi\"}");
        simulator.postInboundText("evo-2", "5511988887777", "hello");

        await().atMost(WAIT).until(() -> receiver.received().size() == 5);

        assertThat(receiver.received()).extracting(WebhookReceiver.Received::path).contains(
                "/webhook/send-message", "/webhook/messages-update", "/webhook/messages-upsert");
        assertThat(receiver.received()).allSatisfy(w -> {
            assertThat(w.headers()).doesNotContainKey("Authorization");
            assertThat(w.json().path("destination").asText()).isEqualTo(receiver.url());
        });
    }

    @Test
    void stopsRetryingAtEvolutionsNonRetryableStatuses() {
        receiver.answer(422);

        simulator.postInboundText("evo-1", "5511988887777", "hi");

        await().atMost(WAIT).until(() -> simulator.webhookStats("evo-1").abandoned() == 1);
        assertThat(simulator.webhookStats("evo-1").attempts()).isEqualTo(1);
        receiver.answer(503);
        simulator.postInboundText("evo-1", "5511988887777", "hi again");
        await().atMost(WAIT).until(() -> simulator.webhookStats("evo-1").abandoned() == 2);
        assertThat(simulator.webhookStats("evo-1").attempts()).isEqualTo(1 + 3);
    }

    @Test
    void connectShowsQrCodesUntilTheLimitThenRefuses() throws Exception {
        simulator.registerEvolution("evo-2", new EvolutionSettings("second", KEY, null, null, null, null, false,
                false, null), receiver.url(), true);
        String second = simulator.endpoint("evo-2").apiUrl();

        JsonNode qr = Http.json(Http.call("GET", second + "/instance/connect/second", AUTH, null));

        assertThat(qr.path("count").asInt()).isEqualTo(1);
        assertThat(qr.path("code").asText()).startsWith("2@");
        assertThat(qr.path("pairingCode").isNull()).isTrue();
        await().atMost(WAIT).until(() -> simulator.sessionStatus("evo-2").equals("close"));
        // The webhooks are posted asynchronously: the state can be "close" before the last one arrived.
        await().atMost(WAIT).until(() -> receiver.events("connection.update").size() >= 2
                && receiver.events("qrcode.updated").size() >= 5);
        List<JsonNode> qrEvents = receiver.events("qrcode.updated");
        // fast() allows 4 codes; the 5th is refused.
        assertThat(qrEvents).hasSize(5);
        assertThat(qrEvents.subList(0, 4)).allSatisfy(e -> assertThat(e.at("/data/qrcode/base64").asText())
                .startsWith("data:image/png;base64,"));
        assertThat(qrEvents.get(4).at("/data/message").asText())
                .isEqualTo("QR code limit reached, please login again");
        assertThat(receiver.events("connection.update")).extracting(e -> e.at("/data/state").asText())
                .containsExactly("connecting", "refused");
        assertThat(receiver.events("qrcode.updated")).allSatisfy(e -> assertThat(e.has("sender")).isFalse());
    }

    @Test
    void scanningOrPairingCodeOpensTheInstance() throws Exception {
        simulator.registerEvolution("evo-2", new EvolutionSettings("second", KEY, null, null, "5511900001111", null,
                false, false, null), receiver.url(), true);
        String second = simulator.endpoint("evo-2").apiUrl();
        Http.call("GET", second + "/instance/connect/second", AUTH, null);
        simulator.scanQr("evo-2");

        assertThat(simulator.sessionStatus("evo-2")).isEqualTo("open");
        await().atMost(WAIT).until(() -> receiver.events("connection.update").size() == 2);
        JsonNode open = receiver.events("connection.update").get(1).path("data");
        assertThat(open.path("state").asText()).isEqualTo("open");
        assertThat(open.path("statusReason").asInt()).isEqualTo(200);
        assertThat(open.path("wuid").asText()).isEqualTo("5511900001111@s.whatsapp.net");

        Http.call("DELETE", second + "/instance/logout/second", AUTH, null);
        JsonNode withNumber = Http.json(Http.call("GET", second + "/instance/connect/second?number=5511900001111",
                AUTH, null));
        String code = withNumber.path("pairingCode").asText();
        assertThat(code).matches("[A-Z0-9]{8}");
        simulator.confirmPairingCode("evo-2", code);
        assertThat(simulator.sessionStatus("evo-2")).isEqualTo("open");
        JsonNode connected = Http.json(Http.call("GET", second + "/instance/connect/second", AUTH, null));
        assertThat(connected.at("/instance/state").asText()).isEqualTo("open");
    }

    @Test
    void webhookSetChangesTargetEventsAndHeaders() throws Exception {
        try (WebhookReceiver other = new WebhookReceiver()) {
            HttpResponse<String> set = Http.call("POST", base + "/webhook/set/booqing", AUTH, "{\"webhook\":{"
                    + "\"enabled\":true,\"url\":\"" + other.url() + "\",\"headers\":{\"x-tenant\":\"t-1\"},"
                    + "\"events\":[\"MESSAGES_UPSERT\"]}}");
            simulator.postInboundText("evo-1", "5511988887777", "to the new target");

            assertThat(set.statusCode()).isEqualTo(201);
            assertThat(set.body()).doesNotContain("t-1");
            assertThat(other.received()).hasSize(1);
            assertThat(other.received().get(0).headers().get("x-tenant")).isEqualTo("t-1");
            assertThat(other.received().get(0).headers()).doesNotContainKey("Authorization");
            assertThat(receiver.received()).isEmpty();
        }
    }

    /** Verifies an HS256 JWT independently of the simulator's signer and returns its claims. */
    private static JsonNode verifiedHs256Claims(String token, String key) throws Exception {
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode header = Http.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertThat(header.path("alg").asText()).isEqualTo("HS256");
        assertThat(header.path("typ").asText()).isEqualTo("JWT");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]))).isTrue();
        return Http.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }
}
