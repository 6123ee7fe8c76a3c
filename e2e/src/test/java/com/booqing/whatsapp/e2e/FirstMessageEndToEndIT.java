package com.booqing.whatsapp.e2e;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.simulator.WebhookDelivery;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The walking skeleton over real parts: a signed Cloud API webhook goes through the ingress, Kafka and the
 * processor into Redis; a send request goes through the ingress, Kafka and the sender to the simulator, and its
 * result and receipts come back into Redis.
 */
@KafkaAndRedis
class FirstMessageEndToEndIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Pipeline pipeline;
    private static JedisPooled redis;
    private final HttpClient http = AuditedHttpClient.of(HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build());

    @BeforeAll
    static void startPipeline(Infra infra) {
        pipeline = new Pipeline(infra);
        redis = infra.redis();
    }

    @AfterAll
    static void stopPipeline(Infra infra) {
        if (pipeline != null) {
            pipeline.close();
            infra.deleteKeys(pipeline.keys);
        }
    }

    @Test
    void signedInboundWebhookLandsInRedisUnderTheBriefsKeys() throws Exception {
        String phone = "+14155550101";

        WebhookDelivery delivery = deliverInbound("14155550101", "Hi, can I book a haircut at 3?");

        String conversationKey = pipeline.keys.conversation(pipeline.tenantId, phone);
        await().atMost(PATIENCE).until(() -> redis.exists(conversationKey));
        Map<String, String> conversation = redis.hgetAll(conversationKey);
        assertThat(conversation).containsEntry("phone", phone)
                .containsEntry("lastMessagePreview", "Hi, can I book a haircut at 3?");
        String messageId = conversation.get("lastMessageId");
        Map<String, String> message = redis.hgetAll(pipeline.keys.message(messageId));
        assertThat(message).containsEntry("tenantId", pipeline.tenantId)
                .containsEntry("direction", "inbound")
                .containsEntry("providerMessageId", delivery.wamid())
                .containsEntry("type", "text");
        assertThat(redis.zrange(pipeline.keys.messages(conversation.get("id")), 0, -1)).containsExactly(messageId);
        assertThat(redis.ttl(pipeline.keys.message(messageId))).isPositive();

        JsonNode listed = getJson("/api/whatsapp/conversations/" + pipeline.tenantId);
        assertThat(listed.findValuesAsText("phone")).contains(phone);
    }

    @Test
    void webhookWithBadSignatureIsRefusedAndNothingIsStored() throws Exception {
        String body = cloudApiTextWebhook("14155550199", "wamid.forged-1", "forged");
        String forged = "sha256=" + HexFormat.of().formatHex(hmac("not-the-app-secret", body));

        HttpResponse<String> answer = postWebhook(body, forged);

        assertThat(answer.statusCode()).isEqualTo(401);
        String appSecret = pipeline.tenant("salon").primary().webhookSecret();
        assertThat(answer.body()).doesNotContain(appSecret).contains("invalid_signature");
        // A valid webhook after the forged one is processed in order on the same partition; once it is in Redis,
        // the forged one would have been too.
        deliverInbound("14155550102", "sentinel");
        await().atMost(PATIENCE).until(() -> redis.exists(pipeline.keys.conversation(pipeline.tenantId, "+14155550102")));
        assertThat(redis.exists(pipeline.keys.conversation(pipeline.tenantId, "+14155550199"))).isFalse();
    }

    @Test
    void sendRequestReachesTheProviderAndItsResultAndReceiptsLandInRedis() throws Exception {
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(
                        URI.create(pipeline.ingressUrl() + "/api/whatsapp/messages/" + pipeline.tenantId))
                .header("Authorization", "Bearer " + Pipeline.ADMIN_KEY)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "booking-42-reminder")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"to\":\"+14155550103\",\"type\":\"text\",\"content\":\"See you at 3pm!\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accepted.statusCode()).isEqualTo(202);
        String messageId = JSON.readTree(accepted.body()).path("messageId").asText();

        await().atMost(PATIENCE).until(() -> pipeline.simulator.requests(pipeline.simEndpointId).stream()
                .anyMatch(r -> r.body().contains("See you at 3pm!")));
        RecordedRequest sent = pipeline.simulator.requests(pipeline.simEndpointId).stream()
                .filter(r -> r.body().contains("See you at 3pm!")).findFirst().orElseThrow();
        JsonNode body = JSON.readTree(sent.body());
        assertThat(sent.path()).isEqualTo("/v23.0/" + Pipeline.PHONE_NUMBER_ID + "/messages");
        assertThat(body.path("to").asText()).isEqualTo("+14155550103");
        assertThat(body.path("text").path("body").asText()).isEqualTo("See you at 3pm!");

        String messageKey = pipeline.keys.message(messageId);
        await().atMost(PATIENCE).until(() -> "read".equals(redis.hget(messageKey, "status")));
        Map<String, String> message = redis.hgetAll(messageKey);
        assertThat(message).containsEntry("direction", "outbound")
                .containsEntry("endpointId", pipeline.endpointId);
        assertThat(message.get("providerMessageId")).startsWith("wamid.");
        assertThat(message.get("history")).contains("sent", "delivered", "read");

        JsonNode viaApi = getJson("/api/whatsapp/messages/" + pipeline.tenantId + "/" + messageId);
        assertThat(viaApi.path("status").asText()).isEqualTo("read");
    }

    private WebhookDelivery deliverInbound(String from, String text) {
        // The ingress learns the endpoint from the compacted topic; until then it refuses like a bad signature.
        WebhookDelivery[] last = new WebhookDelivery[1];
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).until(() -> {
            last[0] = pipeline.simulator.postInboundText(pipeline.simEndpointId, from, text);
            return last[0].status() == 200;
        });
        return last[0];
    }

    private HttpResponse<String> postWebhook(String body, String signature) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(pipeline.ingressUrl() + "/api/whatsapp/webhook/"
                        + pipeline.tenantId + "/" + pipeline.endpointId))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(pipeline.ingressUrl() + path))
                .header("Authorization", "Bearer " + Pipeline.ADMIN_KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s -> %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String cloudApiTextWebhook(String from, String wamid, String text) {
        return "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{"
                + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{"
                + "\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"" + Pipeline.PHONE_NUMBER_ID + "\"},"
                + "\"contacts\":[{\"profile\":{\"name\":\"Eve\"},\"wa_id\":\"" + from + "\"}],"
                + "\"messages\":[{\"from\":\"" + from + "\",\"id\":\"" + wamid + "\",\"timestamp\":\"1750000000\","
                + "\"type\":\"text\",\"text\":{\"body\":\"" + text + "\"}}]}}]}]}";
    }

    private static byte[] hmac(String key, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    }
}
