package com.booqing.whatsapp.simulator;

import com.booqing.whatsapp.simulator.waha.WahaSettings;
import com.booqing.whatsapp.simulator.waha.WahaSignature;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class WahaWebhookTest {

    private static final String KEY = "waha-api-key";
    private static final String HMAC_KEY = "my-secret-key";
    private static final Map<String, String> AUTH = Map.of("X-Api-Key", KEY);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private WebhookReceiver receiver;
    private Simulator simulator;
    private String api;

    @BeforeEach
    void start() {
        receiver = new WebhookReceiver();
        simulator = new Simulator(SimulatorConfig.defaults().withWebhookRetries(3, Duration.ofMillis(50))
                .withPairing(PairingTimings.fast())).start(0);
        api = simulator.registerWaha("waha-1", "default", KEY, HMAC_KEY, receiver.url()).apiUrl() + "/api";
    }

    @AfterEach
    void stop() {
        simulator.close();
        receiver.close();
    }

    @Test
    void signsLikeThePublishedTestVector() {
        // WAHA docs, how-to/events "HMAC authentication": this body and key give this X-Webhook-Hmac.
        byte[] body = "{\"event\":\"message\",\"session\":\"default\",\"engine\":\"WEBJS\"}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(WahaSignature.sign("my-secret-key", body)).isEqualTo("208f8a55dde9e05519e898b10b89bf0d0b3b0fdf11"
                + "fdbf09b6b90476301b98d8097c462b2b17a6ce93b6b47a136cf2e78a33a63f6752c2c1631777076153fa89");
    }

    @Test
    void postsSignedMessageWebhookInWahasEnvelope() throws Exception {
        long before = Instant.now().toEpochMilli();

        WebhookDelivery delivery = simulator.postInboundText("waha-1", "+15551234567", "hello", "Alice");

        assertThat(delivery.status()).isEqualTo(200);
        WebhookReceiver.Received webhook = receiver.received().get(0);
        assertThat(webhook.headers().get("X-Webhook-Hmac")).isEqualTo(hmacSha512Hex(webhook.body()));
        assertThat(webhook.headers().get("X-Webhook-Hmac-Algorithm")).isEqualTo("sha512");
        assertThat(webhook.headers().get("Content-Type")).startsWith("application/json");
        assertThat(webhook.headers().get("X-Webhook-Request-Id")).matches("[0-9a-z]{18}");
        JsonNode envelope = webhook.json();
        assertThat(envelope.path("id").asText()).matches("evt_[0-9a-hjkmnp-tv-z]{26}");
        assertThat(envelope.path("timestamp").asLong()).isBetween(before, before + 60_000);
        assertThat(webhook.headers().get("X-Webhook-Timestamp")).isEqualTo(envelope.path("timestamp").asText());
        assertThat(envelope.path("event").asText()).isEqualTo("message");
        assertThat(envelope.path("session").asText()).isEqualTo("default");
        assertThat(envelope.path("engine").asText()).isEqualTo("WEBJS");
        assertThat(envelope.at("/environment/version").asText()).isNotBlank();
        assertThat(envelope.at("/me/id").asText()).endsWith("@c.us");
        JsonNode payload = envelope.path("payload");
        assertThat(payload.path("id").asText()).isEqualTo(delivery.wamid()).startsWith("false_15551234567@c.us_");
        assertThat(payload.path("from").asText()).isEqualTo("15551234567@c.us");
        assertThat(payload.path("fromMe").asBoolean()).isFalse();
        assertThat(payload.path("body").asText()).isEqualTo("hello");
        assertThat(payload.path("hasMedia").asBoolean()).isFalse();
        assertThat(payload.path("timestamp").asLong()).isBetween(before / 1000, before / 1000 + 60);
        assertThat(payload.at("/_data/notifyName").asText()).isEqualTo("Alice");
    }

    @Test
    void messagesFromALidCarryThePhoneAsAlternativeId() throws Exception {
        simulator.postInboundFromLid("waha-1", "123123123", "15551234567", "from a lid");
        simulator.postInboundFromLid("waha-1", "999888777", null, "no phone known");

        List<JsonNode> messages = receiver.events("message");
        JsonNode withPhone = messages.get(0).path("payload");
        assertThat(withPhone.path("from").asText()).isEqualTo("123123123@lid");
        assertThat(withPhone.at("/_data/key/remoteJidAlt").asText()).isEqualTo("15551234567@s.whatsapp.net");
        JsonNode withoutPhone = messages.get(1).path("payload");
        assertThat(withoutPhone.path("from").asText()).isEqualTo("999888777@lid");
        assertThat(withoutPhone.at("/_data/key").isMissingNode()).isTrue();
        JsonNode known = Http.json(Http.call("GET", api + "/default/lids/123123123%40lid", AUTH, null));
        JsonNode unknown = Http.json(Http.call("GET", api + "/default/lids/999888777", AUTH, null));
        assertThat(known.path("pn").asText()).isEqualTo("15551234567@c.us");
        assertThat(unknown.path("pn").isNull()).isTrue();
    }

    @Test
    void postsMessageAcksAfterASend() throws Exception {
        String id = Http.json(Http.call("POST", api + "/sendText", AUTH,
                "{\"session\":\"default\",\"chatId\":\"15551234567@c.us\",\"text\":\"hi\"}")).at("/id/_serialized")
                .asText();

        await().atMost(WAIT).until(() -> receiver.events("message.ack").size() == 3);

        List<JsonNode> acks = receiver.events("message.ack");
        assertThat(acks).extracting(a -> a.at("/payload/ack").asInt()).containsExactly(1, 2, 3);
        assertThat(acks).extracting(a -> a.at("/payload/ackName").asText()).containsExactly("SERVER", "DEVICE", "READ");
        assertThat(acks).allSatisfy(ack -> {
            assertThat(ack.at("/payload/id").asText()).isEqualTo(id);
            assertThat(ack.at("/payload/fromMe").asBoolean()).isTrue();
            assertThat(ack.at("/payload/to").asText()).isEqualTo("15551234567@c.us");
        });
        assertThat(receiver.received()).allSatisfy(webhook ->
                assertThat(webhook.headers().get("X-Webhook-Hmac")).isEqualTo(hmacSha512Hex(webhook.body())));
    }

    @Test
    void unpairedSessionShowsRefreshingQrCodesThenFails() throws Exception {
        simulator.registerWaha("waha-2", new WahaSettings("default", KEY, null, null, null, false), receiver.url(),
                true);
        String api2 = simulator.endpoint("waha-2").apiUrl() + "/api";
        assertThat(simulator.sessionStatus("waha-2")).isEqualTo("STOPPED");

        Http.call("POST", api2 + "/sessions/default/start", AUTH, null);

        await().atMost(WAIT).until(() -> simulator.sessionStatus("waha-2").equals("FAILED"));
        // The webhooks are posted asynchronously: the state can be FAILED before the last one arrived.
        await().atMost(WAIT).until(() -> receiver.events("session.status").size() >= 8);
        List<String> statuses = receiver.events("session.status").stream()
                .map(e -> e.at("/payload/status").asText()).toList();
        // 6 QR codes (first 60 s, then 20 s each in real time), each announced as SCAN_QR_CODE, then FAILED.
        assertThat(statuses).containsExactly("STARTING", "SCAN_QR_CODE", "SCAN_QR_CODE", "SCAN_QR_CODE",
                "SCAN_QR_CODE", "SCAN_QR_CODE", "SCAN_QR_CODE", "FAILED");
        JsonNode failed = receiver.events("session.status").get(7).path("payload");
        assertThat(failed.path("name").asText()).isEqualTo("default");
        assertThat(failed.path("statuses")).hasSize(3);
        assertThat(receiver.received()).allSatisfy(w -> assertThat(w.headers()).doesNotContainKey("X-Webhook-Hmac"));
    }

    @Test
    void scanningTheQrCodeMakesTheSessionWork() throws Exception {
        simulator.registerWaha("waha-2", new WahaSettings("default", KEY, HMAC_KEY, null, null, false),
                receiver.url(), true);
        String api2 = simulator.endpoint("waha-2").apiUrl() + "/api";
        Http.call("POST", api2 + "/sessions/default/start", AUTH, null);
        await().atMost(WAIT).until(() -> simulator.sessionStatus("waha-2").equals("SCAN_QR_CODE"));

        HttpResponse<byte[]> png = Http.sendForBytes("GET", api2 + "/default/auth/qr", AUTH);
        JsonNode asJson = Http.json(Http.call("GET", api2 + "/default/auth/qr",
                Map.of("X-Api-Key", KEY, "Accept", "application/json"), null));
        JsonNode raw = Http.json(Http.call("GET", api2 + "/default/auth/qr?format=raw", AUTH, null));
        simulator.scanQr("waha-2");

        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/png"));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertThat(image.getWidth()).isEqualTo(image.getHeight()).isGreaterThan(100);
        assertThat(asJson.path("mimetype").asText()).isEqualTo("image/png");
        assertThat(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(asJson.path("data").asText()))))
                .isNotNull();
        assertThat(raw.path("value").asText()).startsWith("2@");
        assertThat(simulator.sessionStatus("waha-2")).isEqualTo("WORKING");
        await().atMost(WAIT).until(() -> receiver.events("session.status").stream()
                .anyMatch(e -> e.at("/payload/status").asText().equals("WORKING")));
        JsonNode working = receiver.events("session.status").stream()
                .filter(e -> e.at("/payload/status").asText().equals("WORKING")).findFirst().orElseThrow();
        assertThat(working.at("/me/id").asText()).endsWith("@c.us");
        assertThat(Http.call("GET", api2 + "/default/auth/qr", AUTH, null).statusCode()).isEqualTo(422);
    }

    @Test
    void confirmingThePairingCodeMakesTheSessionWork() throws Exception {
        simulator.registerWaha("waha-2", new WahaSettings("default", KEY, HMAC_KEY, null, null, false),
                receiver.url(), true);
        String api2 = simulator.endpoint("waha-2").apiUrl() + "/api";
        Http.call("POST", api2 + "/sessions/default/start", AUTH, null);
        await().atMost(WAIT).until(() -> simulator.sessionStatus("waha-2").equals("SCAN_QR_CODE"));

        HttpResponse<String> requested = Http.call("POST", api2 + "/default/auth/request-code", AUTH,
                "{\"phoneNumber\":\"12132132130\"}");
        String code = Http.json(requested).path("code").asText();

        assertThat(requested.statusCode()).isEqualTo(201);
        assertThat(code).matches("[A-Z0-9]{4}-[A-Z0-9]{4}");
        assertThatThrownBy(() -> simulator.confirmPairingCode("waha-2", "WRONG-CODE"))
                .isInstanceOf(IllegalArgumentException.class);
        simulator.confirmPairingCode("waha-2", code);
        assertThat(simulator.sessionStatus("waha-2")).isEqualTo("WORKING");
    }

    @Test
    void logoutStopsAndAsksForANewQrCode() throws Exception {
        HttpResponse<String> logout = Http.call("POST", api + "/sessions/default/logout", AUTH, null);

        assertThat(logout.statusCode()).isEqualTo(201);
        await().atMost(WAIT).until(() -> simulator.sessionStatus("waha-1").equals("SCAN_QR_CODE"));
        assertThat(receiver.events("session.status")).extracting(e -> e.at("/payload/status").asText())
                .startsWith("STOPPED", "STARTING", "SCAN_QR_CODE");
    }

    @Test
    void sessionConfigWebhookReplacesTargetEventsAndKey() throws Exception {
        try (WebhookReceiver other = new WebhookReceiver()) {
            Http.call("POST", api + "/sessions/default/stop", AUTH, null);
            Http.call("PUT", api + "/sessions/default", AUTH, "{\"config\":{\"webhooks\":[{\"url\":\"" + other.url()
                    + "\",\"events\":[\"message\"],\"hmac\":{\"key\":\"other-key\"},\"customHeaders\":[{\"name\":"
                    + "\"X-Tenant\",\"value\":\"t-1\"}]}]}}");
            Http.call("POST", api + "/sessions/default/start", AUTH, null);
            await().atMost(WAIT).until(() -> simulator.sessionStatus("waha-1").equals("WORKING"));

            simulator.postInboundText("waha-1", "15551234567", "to the new target");

            assertThat(other.received()).hasSize(1);
            WebhookReceiver.Received webhook = other.received().get(0);
            assertThat(webhook.json().path("event").asText()).isEqualTo("message");
            assertThat(webhook.headers().get("X-Tenant")).isEqualTo("t-1");
            assertThat(webhook.headers().get("X-Webhook-Hmac"))
                    .isEqualTo(HexFormat.of().formatHex(hmac("HmacSHA512", "other-key", webhook.body())));
            JsonNode info = Http.json(Http.call("GET", api + "/sessions/default", AUTH, null));
            assertThat(info.toString()).doesNotContain("other-key");
        }
    }

    private static String hmacSha512Hex(byte[] body) throws Exception {
        // Computed independently of WahaSignature so a bug there cannot hide.
        return HexFormat.of().formatHex(hmac("HmacSHA512", HMAC_KEY, body));
    }

    private static byte[] hmac(String algorithm, String key, byte[] body) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
        return mac.doFinal(body);
    }
}
