package com.booqing.whatsapp.e2e;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.e2e.Pipeline.EndpointSpec;
import com.booqing.whatsapp.e2e.Pipeline.GatewayEndpoint;
import com.booqing.whatsapp.e2e.Pipeline.TenantSpec;
import com.booqing.whatsapp.simulator.PostedWebhook;
import com.booqing.whatsapp.simulator.WebhookDelivery;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.JedisPooled;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A customer's text through each provider's webhook — Cloud API, WAHA, Evolution API — ends in Redis under the
 * brief's keys, one conversation per phone per tenant however the provider writes the number; a webhook delivered
 * twice changes nothing the second time; and a customer first known only by a WhatsApp LID joins their phone's
 * conversation once a later message links the LID to the phone.
 */
@KafkaAndRedis
class InboundFromEveryProviderIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Numbers are unique per test run; "1555" + 7 digits is a possible NANP number, as WhatsApp's wa_id gives it. */
    private static final AtomicInteger NEXT_NUMBER = new AtomicInteger((int) (System.nanoTime() % 9_000_000) + 1_000_000);

    private static Pipeline pipeline;
    private static Pipeline.Tenant tenant;
    private static JedisPooled redis;

    @BeforeAll
    static void startPipeline(Infra infra) {
        pipeline = new Pipeline(infra, Pipeline.FAST, List.of(TenantSpec.of("clinic",
                EndpointSpec.cloudApi("cloud-api"), EndpointSpec.waha("waha"), EndpointSpec.evolution("evolution"))));
        tenant = pipeline.tenant("clinic");
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
    void inboundTextLandsUnderTheBriefsKeys(ProviderType provider) {
        GatewayEndpoint endpoint = endpointOf(provider);
        String digits = newNumber();
        String phone = "+" + digits;

        WebhookDelivery delivery = accepted(pipeline.simulator.postInboundText(endpoint.simId(), digits,
                "Can I move my appointment?", "Ana"));

        Map<String, String> conversation = awaitConversation(phone, 1);
        assertThat(conversation).containsEntry("id", tenant.tenantId() + ":" + phone)
                .containsEntry("tenantId", tenant.tenantId())
                .containsEntry("phone", phone)
                .containsEntry("contactName", "Ana")
                .containsEntry("lastMessagePreview", "Can I move my appointment?");
        String messageId = conversation.get("lastMessageId");
        assertThat(redis.hgetAll(pipeline.keys.message(messageId)))
                .containsEntry("tenantId", tenant.tenantId())
                .containsEntry("conversationId", tenant.tenantId() + ":" + phone)
                .containsEntry("direction", "inbound")
                .containsEntry("phone", phone)
                .containsEntry("provider", provider.wireName())
                .containsEntry("endpointId", endpoint.endpointId())
                .containsEntry("providerMessageId", providerMessageId(provider, delivery.wamid()))
                .containsEntry("type", "text");
        assertThat(redis.zrange(pipeline.keys.messages(tenant.tenantId() + ":" + phone), 0, -1))
                .containsExactly(messageId);
        assertThat(redis.zscore(pipeline.keys.tenantConversations(tenant.tenantId()), tenant.tenantId() + ":" + phone))
                .isNotNull();
    }

    @Test
    void theSamePhoneWrittenThreeWaysIsOneConversation() {
        String digits = newNumber();
        String phone = "+" + digits;

        // WAHA writes "1555…@c.us", Cloud API "1555…" (wa_id; given here as "+1555…"), Evolution "1555…@s.whatsapp.net".
        accepted(pipeline.simulator.postInboundText(tenant.endpoint("waha").simId(), digits, "one", "Ana"));
        awaitConversation(phone, 1);
        // Without a profile name: the Cloud API then sends an empty one, which must not blank "Ana".
        accepted(pipeline.simulator.postInboundText(tenant.endpoint("cloud-api").simId(), phone, "two"));
        accepted(pipeline.simulator.postInboundText(tenant.endpoint("evolution").simId(), digits, "three"));

        Map<String, String> conversation = awaitConversation(phone, 3);
        assertThat(conversation).containsEntry("phone", phone).containsEntry("contactName", "Ana");
        List<String> providers = redis.zrange(pipeline.keys.messages(conversation.get("id")), 0, -1).stream()
                .map(id -> redis.hget(pipeline.keys.message(id), "provider")).toList();
        assertThat(providers).containsExactlyInAnyOrder("cloud-api", "waha", "evolution");
        assertThat(redis.zrange(pipeline.keys.tenantConversations(tenant.tenantId()), 0, -1))
                .filteredOn(id -> id.contains(digits)).containsExactly(tenant.tenantId() + ":" + phone);
    }

    @ParameterizedTest
    @EnumSource(ProviderType.class)
    void aWebhookDeliveredTwiceChangesNothingTheSecondTime(ProviderType provider) {
        GatewayEndpoint endpoint = endpointOf(provider);
        String digits = newNumber();
        String phone = "+" + digits;
        try (LossyRelay relay = new LossyRelay(pipeline.ingressUrl())) {
            pipeline.simulator.webhookUrl(endpoint.simId(), relay.url(endpoint.webhookPath()));
            relay.loseNextAnswers(1);

            WebhookDelivery first = pipeline.simulator.postInboundText(endpoint.simId(), digits, "only once");

            assertThat(first.status()).as("the provider saw the lost answer").isEqualTo(502);
            PostedWebhook retried = await().atMost(PATIENCE).until(() -> posted(endpoint, first.wamid()),
                    w -> w != null);
            assertThat(retried.delivered()).isTrue();
            assertThat(retried.attempts()).isEqualTo(2);
            assertThat(relay.forwarded()).as("the ingress received the same webhook twice").isEqualTo(2);
        } finally {
            pipeline.simulator.webhookUrl(endpoint.simId(), pipeline.ingressUrl() + endpoint.webhookPath());
        }
        // A later message of the same customer through the same endpoint shares the duplicate's partitions, so
        // once it is in Redis the duplicate has been processed too.
        accepted(pipeline.simulator.postInboundText(endpoint.simId(), digits, "sentinel"));

        Map<String, String> conversation = awaitConversation(phone, 2);
        List<String> messageIds = redis.zrange(pipeline.keys.messages(conversation.get("id")), 0, -1);
        assertThat(messageIds).hasSize(2);
        assertThat(messageIds.stream().map(id -> redis.hget(pipeline.keys.message(id), "content")))
                .containsExactlyInAnyOrder("{\"type\":\"text\",\"body\":\"only once\"}",
                        "{\"type\":\"text\",\"body\":\"sentinel\"}");
        assertThat(redis.lrange(pipeline.keys.events(tenant.tenantId()), 0, -1))
                .filteredOn(e -> e.contains("\"only once\"") && e.contains(phone)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(value = ProviderType.class, names = {"WAHA", "EVOLUTION"})
    void aLidOnlyCustomerJoinsTheirPhonesConversationOnceALaterMessageLinksTheLid(ProviderType provider) {
        GatewayEndpoint endpoint = endpointOf(provider);
        String digits = newNumber();
        String phone = "+" + digits;
        String lid = "2" + digits + "77";
        String lidConversationId = tenant.tenantId() + ":lid:" + lid;

        accepted(pipeline.simulator.postInboundFromLid(endpoint.simId(), lid, null, "who am I?"));
        String lidConversationKey = pipeline.keys.conversation(tenant.tenantId(), "lid:" + lid);
        await().atMost(PATIENCE).until(() -> redis.exists(lidConversationKey));
        assertThat(redis.hgetAll(lidConversationKey)).containsEntry("lid", lid).doesNotContainKey("phone");
        String lidOnlyMessage = redis.hget(lidConversationKey, "lastMessageId");
        assertThat(redis.hget(pipeline.keys.message(lidOnlyMessage), "conversationId")).isEqualTo(lidConversationId);

        accepted(pipeline.simulator.postInboundFromLid(endpoint.simId(), lid, digits, "it's me, Ana"));

        Map<String, String> conversation = awaitConversation(phone, 2);
        assertThat(conversation).containsEntry("phone", phone).containsEntry("lid", lid)
                .containsEntry("lastMessagePreview", "it's me, Ana");
        assertThat(redis.zrange(pipeline.keys.messages(conversation.get("id")), 0, -1)).contains(lidOnlyMessage);
        assertThat(redis.hgetAll(pipeline.keys.message(lidOnlyMessage)))
                .containsEntry("conversationId", tenant.tenantId() + ":" + phone)
                .containsEntry("phone", phone);
        assertThat(redis.exists(lidConversationKey)).isFalse();
        assertThat(redis.zscore(pipeline.keys.tenantConversations(tenant.tenantId()), lidConversationId)).isNull();

        // From now on the LID alone is enough.
        accepted(pipeline.simulator.postInboundFromLid(endpoint.simId(), lid, null, "one more thing"));
        assertThat(awaitConversation(phone, 3)).containsEntry("lastMessagePreview", "one more thing");
        assertThat(redis.exists(lidConversationKey)).isFalse();
    }

    private static GatewayEndpoint endpointOf(ProviderType provider) {
        return tenant.endpoint(provider.wireName());
    }

    /** The ingress knows every endpoint before the tests start, so the first attempt must be taken. */
    private static WebhookDelivery accepted(WebhookDelivery delivery) {
        assertThat(delivery.status()).as("webhook answer (%s)", delivery.error()).isEqualTo(200);
        return delivery;
    }

    private static Map<String, String> awaitConversation(String phone, int messages) {
        String key = pipeline.keys.conversation(tenant.tenantId(), phone);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> String.valueOf(messages).equals(redis.hget(key, "messageCount")));
        return redis.hgetAll(key);
    }

    private static PostedWebhook posted(GatewayEndpoint endpoint, String wamid) {
        return pipeline.simulator.webhooks(endpoint.simId()).stream()
                .filter(w -> wamid.equals(w.messageId())).findFirst().orElse(null);
    }

    /** WAHA's serialized ids ("false_<chat>_<id>") are stored as their bare id, the others as given. */
    private static String providerMessageId(ProviderType provider, String wamid) {
        return provider == ProviderType.WAHA ? wamid.split("_", 4)[2] : wamid;
    }

    private static String newNumber() {
        return "1555" + NEXT_NUMBER.getAndIncrement();
    }
}
