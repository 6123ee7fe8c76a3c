package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.processor.testing.TestSecrets;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How receipts reconcile a send whose outcome the sender did not know ("failed" with errorCode "ambiguous"), and
 * how a Cloud API receipt finds its message by the gateway id it echoes (biz_opaque_callback_data) when the send
 * result named no provider id. The planner and the script against the real Redis, records handed over directly
 * (the Kafka side of the projector is covered by RedisProjectorIT).
 */
@KafkaAndRedis
class ReceiptReconciliationIT {
    private static final Duration TTL = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2025-06-09T10:00:00Z");
    private static final String PHONE = "+16505551234";

    private final Infra infra;
    private final Topics topics = Topics.withPrefix("rec-", 3);
    private final Map<String, Long> offsets = new HashMap<>();
    private RedisKeys keys;
    private ProjectionPlanner planner;
    private ProjectionScript script;
    private String tenant;

    ReceiptReconciliationIT(Infra infra) {
        this.infra = infra;
    }

    @BeforeEach
    void setUp() {
        keys = infra.newRedisKeys();
        planner = new ProjectionPlanner(topics, keys, TTL, TestSecrets.endpointView());
        script = new ProjectionScript(infra.redis());
        tenant = infra.uniqueId("t");
    }

    @AfterEach
    void tearDown() {
        infra.deleteKeys(keys);
    }

    @Test
    void ambiguousFailureIsCorrectedByALaterReceipt() {
        SendCommand c = command("k1");
        project(topics.sendCommands(), c);
        project(topics.sendResults(), ambiguous(c));
        assertThat(message(c)).containsEntry("status", "failed").containsEntry("errorCode", "ambiguous");

        project(topics.events(), receipt(c.messageId(), "wamid.LATE", MessageStatus.DELIVERED, T0.plusSeconds(9)));

        Map<String, String> message = message(c);
        assertThat(message).containsEntry("status", "delivered")
                .containsEntry("updatedAt", "2025-06-09T10:00:09.000Z")
                .containsEntry("providerMessageId", "wamid.LATE")
                .doesNotContainKeys("errorCode", "errorTitle");
        assertThat(message.get("history")).contains("\"status\":\"failed\"", "\"status\":\"delivered\"");
        assertThat(infra.redis().get(keys.providerMessageRef(tenant, "wamid.LATE"))).isEqualTo(c.messageId());

        project(topics.events(), receipt(c.messageId(), "wamid.LATE", MessageStatus.READ, T0.plusSeconds(12)));
        assertThat(message(c)).containsEntry("status", "read");
    }

    @Test
    void ambiguousFailureIsCorrectedByAReceiptFoundThroughTheProviderId() {
        // WAHA and Evolution echo nothing of ours; a receipt still reconciles once the provider id is mapped.
        SendCommand c = command("k2");
        project(topics.sendCommands(), c);
        project(topics.sendResults(), ambiguous(c));
        infra.redis().set(keys.providerMessageRef(tenant, "3EB0AA"), c.messageId());

        project(topics.events(), receipt(null, "3EB0AA", MessageStatus.SENT, T0.plusSeconds(3)));

        assertThat(message(c)).containsEntry("status", "sent").doesNotContainKey("errorCode");
    }

    @Test
    void aProvidersFailureReplacesTheAmbiguousGuess() {
        SendCommand c = command("k3");
        project(topics.sendCommands(), c);
        project(topics.sendResults(), ambiguous(c));

        project(topics.events(), new Envelope(EventIds.eventId(tenant, "cloud-api", "wamid.F", "failed"), tenant,
                T0.plusSeconds(4), "req", new MessageStatusUpdate(c.messageId(), "wamid.F", tenant, "ep_1",
                ProviderType.CLOUD_API, PHONE, MessageStatus.FAILED, T0.plusSeconds(4), "131026",
                "Message undeliverable")));

        assertThat(message(c)).containsEntry("status", "failed")
                .containsEntry("errorCode", "131026")
                .containsEntry("errorTitle", "Message undeliverable");
    }

    @Test
    void anAmbiguousFailureNeverOverridesAReceiptThatCameFirst() {
        SendCommand c = command("k4");
        project(topics.sendCommands(), c);
        project(topics.events(), receipt(c.messageId(), "wamid.FAST", MessageStatus.READ, T0.plusSeconds(2)));

        project(topics.sendResults(), ambiguous(c));

        assertThat(message(c)).containsEntry("status", "read").doesNotContainKey("errorCode");
    }

    @Test
    void aFailureThatIsNotAmbiguousStaysTerminal() {
        SendCommand c = command("k5");
        project(topics.sendCommands(), c);
        project(topics.sendResults(), new SendResult(c.messageId(), tenant, c.idempotencyKey(), c.to(),
                SendResult.Outcome.FAILED, "ep_1", ProviderType.CLOUD_API, null, "131047",
                "Re-engagement message", 1, T0.plusSeconds(1)));

        project(topics.events(), receipt(c.messageId(), "wamid.X", MessageStatus.DELIVERED, T0.plusSeconds(5)));

        assertThat(message(c)).containsEntry("status", "failed").containsEntry("errorCode", "131047");
    }

    @Test
    void receiptFindsItsMessageByTheEchoedIdWhenTheResultNamedNoProviderId() {
        SendCommand c = command("k6");
        project(topics.sendCommands(), c);
        project(topics.sendResults(), ambiguous(c));

        project(topics.events(), receipt(c.messageId(), "wamid.CB", MessageStatus.SENT, T0.plusSeconds(2)));

        assertThat(message(c)).containsEntry("status", "sent").containsEntry("providerMessageId", "wamid.CB");
        assertThat(infra.redis().exists(keys.message(ReceiptHolders.holderId(tenant, "wamid.CB")))).isFalse();
    }

    @Test
    void receiptsThatCameBeforeTheirMessageAreMergedOnceTheEchoedIdFindsIt() {
        SendCommand c = command("k7");
        project(topics.events(), receipt(c.messageId(), "wamid.EARLY", MessageStatus.SENT, T0.plusSeconds(1)));
        String holder = keys.message(ReceiptHolders.holderId(tenant, "wamid.EARLY"));
        assertThat(infra.redis().hget(holder, "status")).isEqualTo("sent");

        project(topics.sendCommands(), c);
        project(topics.events(), receipt(c.messageId(), "wamid.EARLY", MessageStatus.DELIVERED, T0.plusSeconds(2)));

        assertThat(infra.redis().exists(holder)).isFalse();
        Map<String, String> message = message(c);
        assertThat(message).containsEntry("status", "delivered");
        assertThat(message.get("history")).contains("\"status\":\"pending\"", "\"status\":\"sent\"",
                "\"status\":\"delivered\"");
    }

    @Test
    void anEchoedIdOfAnotherTenantsMessageMovesNothing() {
        String otherTenant = infra.uniqueId("t");
        SendCommand theirs = new SendCommand(null, otherTenant, null, null, PHONE, new MessageContent.Text("hi", null),
                "k8", null, T0);
        project(topics.sendCommands(), theirs);

        project(topics.events(), receipt(theirs.messageId(), "wamid.FOREIGN", MessageStatus.READ, T0.plusSeconds(3)));

        assertThat(infra.redis().hget(keys.message(theirs.messageId()), "status")).isEqualTo("pending");
        assertThat(infra.redis().hget(keys.message(ReceiptHolders.holderId(tenant, "wamid.FOREIGN")), "status"))
                .isEqualTo("read");
        assertThat(infra.redis().exists(keys.providerMessageRef(tenant, "wamid.FOREIGN"))).isFalse();
    }

    private SendCommand command(String idempotencyKey) {
        return new SendCommand(null, tenant, null, null, PHONE, new MessageContent.Text("See you at 3", null),
                idempotencyKey, null, T0);
    }

    private SendResult ambiguous(SendCommand c) {
        return new SendResult(c.messageId(), tenant, c.idempotencyKey(), c.to(), SendResult.Outcome.FAILED, "ep_1",
                ProviderType.CLOUD_API, null, "ambiguous", "outcome unknown: timeout after the request was sent", 1,
                T0.plusSeconds(1));
    }

    private Envelope receipt(String messageId, String providerMessageId, MessageStatus status, Instant at) {
        MessageStatusUpdate u = new MessageStatusUpdate(messageId, providerMessageId, tenant, "ep_1",
                ProviderType.CLOUD_API, PHONE, status, at, null, null);
        return new Envelope(EventIds.eventId(tenant, "cloud-api", providerMessageId, status.wireName()), tenant, at,
                "req", u);
    }

    private Map<String, String> message(SendCommand c) {
        return infra.redis().hgetAll(keys.message(c.messageId()));
    }

    /** Plans and applies one record, as the projector does, at the next offset of the topic's partition 0. */
    @SuppressWarnings("unchecked")
    private <V> void project(Topic<String, V> topic, V value) {
        long offset = offsets.merge(topic.name(), 1L, Long::sum);
        byte[] bytes = ((JsonSerde<V>) topic.valueSerde()).encode(value);
        ProjectionPlanner.Plan plan = planner.plan(new ConsumerRecord<>(topic.name(), 0, offset,
                "key".getBytes(StandardCharsets.UTF_8), bytes));
        assertThat(plan.skipped()).as("plan of %s: %s", topic.name(), plan.skipReason()).isFalse();
        assertThat(script.apply(keys.projectionOffset(RedisProjector.PROJECTION, topic.name(), 0), offset,
                plan.writes())).isTrue();
    }
}
