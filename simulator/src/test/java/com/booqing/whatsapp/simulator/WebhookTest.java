package com.booqing.whatsapp.simulator;

import com.booqing.whatsapp.simulator.cloudapi.HubSignature;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WebhookTest {

    private static final String TOKEN = "token";
    private static final String PHONE_ID = "1234567890";
    private static final String APP_SECRET = "app-secret-123";

    private WebhookReceiver receiver;
    private Simulator simulator;
    private SimEndpoint endpoint;

    @BeforeEach
    void start() {
        receiver = new WebhookReceiver();
        simulator = new Simulator(SimulatorConfig.defaults().withWebhookRetries(3, Duration.ofMillis(50))).start(0);
        endpoint = simulator.registerCloudApi("ep-1", PHONE_ID, TOKEN, APP_SECRET, receiver.url());
    }

    @AfterEach
    void stop() {
        simulator.close();
        receiver.close();
    }

    @Test
    void postsSignedInboundWebhook() throws Exception {
        long before = Instant.now().getEpochSecond();

        WebhookDelivery delivery = simulator.postInboundText("ep-1", "+15551234567", "hi there", "Alice");

        assertThat(delivery.status()).isEqualTo(200);
        assertThat(delivery.wamid()).startsWith("wamid.");
        List<WebhookReceiver.Received> received = receiver.received();
        assertThat(received).hasSize(1);
        WebhookReceiver.Received webhook = received.get(0);
        assertThat(webhook.headers().get("X-Hub-Signature-256")).isEqualTo("sha256=" + hmacSha256Hex(webhook.body()));
        assertThat(webhook.headers().get("Content-Type")).startsWith("application/json");

        JsonNode root = Http.JSON.readTree(webhook.body());
        assertThat(root.path("object").asText()).isEqualTo("whatsapp_business_account");
        JsonNode change = root.at("/entry/0/changes/0");
        assertThat(change.path("field").asText()).isEqualTo("messages");
        JsonNode value = change.path("value");
        assertThat(value.path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(value.at("/metadata/phone_number_id").asText()).isEqualTo(PHONE_ID);
        assertThat(value.at("/contacts/0/profile/name").asText()).isEqualTo("Alice");
        assertThat(value.at("/contacts/0/wa_id").asText()).isEqualTo("15551234567");
        JsonNode message = value.at("/messages/0");
        assertThat(message.path("from").asText()).isEqualTo("15551234567");
        assertThat(message.path("id").asText()).isEqualTo(delivery.wamid());
        assertThat(message.path("type").asText()).isEqualTo("text");
        assertThat(message.at("/text/body").asText()).isEqualTo("hi there");
        assertThat(message.path("timestamp").isTextual()).isTrue();
        assertThat(Long.parseLong(message.path("timestamp").asText())).isBetween(before, before + 60);
    }

    @Test
    void postsReceiptsAfterSend() throws Exception {
        String wamid = Http.json(Http.send("POST", endpoint.apiUrl() + "/v23.0/" + PHONE_ID + "/messages", TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15551234567\",\"text\":{\"body\":\"hi\"},"
                        + "\"biz_opaque_callback_data\":\"order-42\"}")).at("/messages/0/id").asText();

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 3);

        List<JsonNode> statuses = receiver.received().stream().map(this::status).toList();
        assertThat(statuses).extracting(s -> s.path("status").asText()).containsExactly("sent", "delivered", "read");
        assertThat(statuses).allSatisfy(status -> {
            assertThat(status.path("id").asText()).isEqualTo(wamid);
            assertThat(status.path("recipient_id").asText()).isEqualTo("15551234567");
            assertThat(status.path("biz_opaque_callback_data").asText()).isEqualTo("order-42");
            assertThat(status.path("timestamp").isTextual()).isTrue();
            assertThat(status.at("/conversation/id").asText()).isEqualTo(statuses.get(0).at("/conversation/id").asText());
            assertThat(status.at("/pricing/category").asText()).isEqualTo("service");
        });
        assertThat(receiver.received()).allSatisfy(webhook -> assertThat(webhook.headers().get("X-Hub-Signature-256"))
                .isEqualTo("sha256=" + hmacSha256Hex(webhook.body())));
        assertThat(simulator.webhookStats("ep-1").delivered()).isEqualTo(3);
    }

    @Test
    void postsReceiptsForEveryOneOfManyConcurrentSends() throws Exception {
        int sends = 50;
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<String>> wamids = new ArrayList<>();
            for (int i = 0; i < sends; i++) {
                wamids.add(pool.submit(() -> Http.json(Http.send("POST",
                        endpoint.apiUrl() + "/v23.0/" + PHONE_ID + "/messages", TOKEN, CloudApiSendTest.textSend()))
                        .at("/messages/0/id").asText()));
            }
            Set<String> sent = new HashSet<>();
            for (Future<String> wamid : wamids) {
                sent.add(wamid.get(10, TimeUnit.SECONDS));
            }

            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 3 * sends);
            Set<String> receipted = receiver.received().stream().map(w -> status(w).path("id").asText())
                    .collect(Collectors.toSet());
            assertThat(sent).hasSize(sends);
            assertThat(receipted).isEqualTo(sent);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sendsNoReceiptsWhenTurnedOff() throws Exception {
        simulator.receipts("ep-1", false);
        Http.send("POST", endpoint.apiUrl() + "/v23.0/" + PHONE_ID + "/messages", TOKEN, CloudApiSendTest.textSend());
        simulator.postInboundText("ep-1", "15551234567", "marker");

        // The inbound webhook is posted after the send; had receipts been scheduled they would be due by now too.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> receiver.received().size() == 1);
    }

    @Test
    void postsAFailedReceiptOnDemand() throws Exception {
        WebhookDelivery delivery = simulator.postReceipt("ep-1", "wamid.unknown", Receipt.FAILED, "15550001111");

        assertThat(delivery.accepted()).isTrue();
        JsonNode status = status(receiver.received().get(0));
        assertThat(status.path("status").asText()).isEqualTo("failed");
        assertThat(status.path("recipient_id").asText()).isEqualTo("15550001111");
        assertThat(status.at("/errors/0/code").asInt()).isEqualTo(131026);
    }

    @Test
    void retriesAWebhookTheReceiverRejectsAndCountsIt() {
        receiver.answer(500);

        WebhookDelivery delivery = simulator.postInboundText("ep-1", "15551234567", "hi");

        assertThat(delivery.status()).isEqualTo(500);
        await().atMost(Duration.ofSeconds(5)).until(() -> simulator.webhookStats("ep-1").abandoned() == 1);
        assertThat(receiver.received()).hasSize(3);
        assertThat(receiver.received()).extracting(WebhookReceiver.Received::text).containsOnly(
                receiver.received().get(0).text());
        WebhookStats stats = simulator.webhookStats("ep-1");
        assertThat(stats.attempts()).isEqualTo(3);
        assertThat(stats.retries()).isEqualTo(2);
        assertThat(simulator.webhooks("ep-1").get(0).delivered()).isFalse();
    }

    @Test
    void reportsNoStatusWhenTheReceiverIsUnreachable() {
        receiver.close();

        WebhookDelivery delivery = simulator.postInboundText("ep-1", "15551234567", "hi");

        assertThat(delivery.status()).isZero();
        assertThat(delivery.error()).isNotBlank();
    }

    @Test
    void verificationHandshakeSendsAChallengeAndChecksTheEcho() {
        HandshakeResult good = simulator.verifyWebhook("ep-1", WebhookReceiver.VERIFY_TOKEN);
        HandshakeResult bad = simulator.verifyWebhook("ep-1", "wrong token");

        assertThat(good.echoed()).isTrue();
        assertThat(good.status()).isEqualTo(200);
        assertThat(bad.echoed()).isFalse();
        assertThat(bad.status()).isEqualTo(401);
    }

    private JsonNode status(WebhookReceiver.Received webhook) {
        try {
            return Http.JSON.readTree(webhook.body()).at("/entry/0/changes/0/value/statuses/0");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String hmacSha256Hex(byte[] body) throws Exception {
        // Computed independently of HubSignature so a bug there cannot hide.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void hubSignatureMatchesAnIndependentHmac() throws Exception {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(HubSignature.sign(APP_SECRET, body)).isEqualTo("sha256=" + hmacSha256Hex(body));
    }
}
