package com.booqing.whatsapp.e2e;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.e2e.Pipeline.EndpointSpec;
import com.booqing.whatsapp.e2e.Pipeline.GatewayEndpoint;
import com.booqing.whatsapp.e2e.Pipeline.TenantSpec;
import com.booqing.whatsapp.processor.projection.ReceiptHolders;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.PostedWebhook;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.JedisPooled;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A message sent through the REST API and pinned to one provider's endpoint reaches that provider as a valid
 * request, its SENT result lands in Redis, and the provider's own receipts (Cloud API statuses, WAHA message.ack,
 * Evolution messages.update) move it to delivered and read — which only works if the provider message id the
 * sender records is the one the processor reads from that provider's receipts.
 */
@KafkaAndRedis
class OutboundThroughEveryProviderIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NEXT = new AtomicInteger((int) (System.nanoTime() % 8000) + 1000);

    private static Pipeline pipeline;
    private static Pipeline.Tenant tenant;
    private static RestClient rest;
    private static JedisPooled redis;

    @BeforeAll
    static void startPipeline(Infra infra) {
        pipeline = new Pipeline(infra, Pipeline.FAST, List.of(TenantSpec.of("shop",
                EndpointSpec.cloudApi("cloud-api"), EndpointSpec.waha("waha"), EndpointSpec.evolution("evolution"),
                EndpointSpec.cloudApi("cloud-api-slow"))));
        tenant = pipeline.tenant("shop");
        rest = new RestClient(pipeline.ingressUrl());
        redis = infra.redis();
    }

    @AfterAll
    static void stopPipeline(Infra infra) {
        if (pipeline != null) {
            pipeline.close();
            infra.deleteKeys(pipeline.keys);
        }
    }

    @ParameterizedTest
    @EnumSource(ProviderType.class)
    void aMessagePinnedToTheProviderIsSentAndItsReceiptsMoveItToRead(ProviderType provider) {
        GatewayEndpoint endpoint = tenant.endpoint(provider.wireName());
        String to = newRecipient();
        String text = "Your appointment is confirmed (" + provider.wireName() + " " + to + ")";

        String messageId = rest.sendText(tenant.tenantId(), to, text, endpoint.endpointId(), "confirm-" + to);

        RecordedRequest request = await().atMost(PATIENCE)
                .until(() -> requestWith(endpoint, text), r -> r != null);
        assertValidSendRequest(provider, endpoint, request, to, text, messageId);

        String messageKey = pipeline.keys.message(messageId);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> "read".equals(redis.hget(messageKey, "status")));
        Map<String, String> message = redis.hgetAll(messageKey);
        assertThat(message).containsEntry("direction", "outbound")
                .containsEntry("endpointId", endpoint.endpointId())
                .containsEntry("provider", provider.wireName())
                .containsEntry("phone", to)
                .doesNotContainKey("errorCode");
        assertThat(message.get("history")).contains("\"status\":\"sent\"", "\"status\":\"delivered\"",
                "\"status\":\"read\"");
        String providerMessageId = message.get("providerMessageId");
        assertThat(providerMessageId).isNotBlank();
        assertThat(redis.get(pipeline.keys.providerMessageRef(tenant.tenantId(), providerMessageId)))
                .isEqualTo(messageId);
        assertThat(redis.exists(pipeline.keys.message(ReceiptHolders.holderId(tenant.tenantId(), providerMessageId))))
                .as("no receipt was left waiting for a message it could not find").isFalse();
        List<PostedWebhook> receipts = pipeline.simulator.webhooks(endpoint.simId()).stream()
                .filter(w -> w.delivered() && isReceipt(w.kind())).toList();
        assertThat(receipts).extracting(w -> receiptIdAsTheProcessorReadsIt(provider, w.messageId()))
                .as("the ids the provider's receipts carry").contains(providerMessageId);
        assertThat(rest.get("/api/whatsapp/messages/" + tenant.tenantId() + "/" + messageId).path("status").asText())
                .isEqualTo("read");
    }

    @Test
    void anAmbiguousCloudApiSendIsReconciledByTheReceiptsThatNameItsMessage() {
        GatewayEndpoint endpoint = tenant.endpoint("cloud-api-slow");
        // Longer than the sender's call timeout: the sender gives up without knowing, the provider still sends.
        pipeline.simulator.fault(endpoint.simId(), Fault.slow(pipeline.gateway.defaultTimeout().plusMillis(1500)));
        try {
            String to = newRecipient();
            String text = "Reminder: tomorrow at 10 (" + to + ")";

            String messageId = rest.sendText(tenant.tenantId(), to, text, endpoint.endpointId(), "reminder-" + to);

            String messageKey = pipeline.keys.message(messageId);
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> "read".equals(redis.hget(messageKey, "status")));
            Map<String, String> message = redis.hgetAll(messageKey);
            assertThat(message.get("history")).as("the sender reported the send as ambiguous first")
                    .contains("\"status\":\"failed\"", "\"status\":\"read\"");
            assertThat(message).doesNotContainKeys("errorCode", "errorTitle")
                    .containsEntry("endpointId", endpoint.endpointId());
            assertThat(message.get("providerMessageId")).startsWith("wamid.");
            assertThat(pipeline.simulator.requests(endpoint.simId()))
                    .filteredOn(r -> r.body().contains(text)).as("an ambiguous send is never repeated").hasSize(1);
        } finally {
            pipeline.simulator.fault(endpoint.simId(), Fault.none());
        }
    }

    private static void assertValidSendRequest(ProviderType provider, GatewayEndpoint endpoint, RecordedRequest request,
                                               String to, String text, String messageId) {
        JsonNode body = json(request.body());
        assertThat(request.method()).isEqualTo("POST");
        switch (provider) {
            case CLOUD_API -> {
                assertThat(request.path()).isEqualTo("/" + Pipeline.API_VERSION + "/" + endpoint.account() + "/messages");
                assertThat(body.path("messaging_product").asText()).isEqualTo("whatsapp");
                assertThat(body.path("to").asText()).isEqualTo(to);
                assertThat(body.path("text").path("body").asText()).isEqualTo(text);
                assertThat(body.path("biz_opaque_callback_data").asText()).isEqualTo(messageId);
            }
            case WAHA -> {
                assertThat(request.path()).isEqualTo("/api/sendText");
                assertThat(request.header("X-Api-Key")).isEqualTo(endpoint.apiKey());
                assertThat(body.path("session").asText()).isEqualTo(endpoint.account());
                assertThat(body.path("chatId").asText()).isEqualTo(to.substring(1) + "@c.us");
                assertThat(body.path("text").asText()).isEqualTo(text);
            }
            case EVOLUTION -> {
                assertThat(request.path()).isEqualTo("/message/sendText/" + endpoint.account());
                assertThat(request.header("apikey")).isEqualTo(endpoint.apiKey());
                assertThat(body.path("number").asText()).isEqualTo(to.substring(1));
                assertThat(body.path("text").asText()).isEqualTo(text);
            }
        }
    }

    /** Receipt webhooks as the simulator labels them: Cloud API statuses, WAHA acks, Evolution updates. */
    private static boolean isReceipt(String kind) {
        return kind.startsWith("status:") || kind.startsWith("message.ack:") || kind.startsWith("messages.update:");
    }

    /** WAHA's receipts carry the serialized id "true_<chatId>_<id>"; the processor keeps the bare id. */
    private static String receiptIdAsTheProcessorReadsIt(ProviderType provider, String id) {
        return provider == ProviderType.WAHA ? id.split("_", 4)[2] : id;
    }

    private static RecordedRequest requestWith(GatewayEndpoint endpoint, String text) {
        return pipeline.simulator.requests(endpoint.simId()).stream()
                .filter(r -> r.body().contains(text)).findFirst().orElse(null);
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String newRecipient() {
        return "+1415555" + NEXT.getAndIncrement();
    }
}
