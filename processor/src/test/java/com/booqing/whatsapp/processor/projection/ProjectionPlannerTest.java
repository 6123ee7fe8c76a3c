package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.processor.inbound.ConversationKeys;
import com.booqing.whatsapp.processor.testing.TestSecrets;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProjectionPlannerTest {
    private final Topics topics = Topics.withPrefix("p.", 1);
    private final RedisKeys keys = new RedisKeys("wa-unit");
    private final ProjectionPlanner planner = new ProjectionPlanner(topics, keys, Duration.ofDays(30),
            TestSecrets.endpointView());

    private static ConsumerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, 7, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static Endpoint endpoint(Sealed apiKey, Sealed webhookSecret) {
        return new Endpoint("ep_1", "acme", "Primary", ProviderType.CLOUD_API, "https://graph.facebook.com", "v23.0",
                "106540352242922", null, null, apiKey, webhookSecret, null, true, true, 1,
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void storesEndpointsWithSecretsMaskedNeverTheirCiphertext() {
        Sealed apiKey = TestSecrets.seal("acme", "ep_1", "apiKey", "EAAGm0PX4ZCpsBAKZCv3qS1");
        Endpoint e = endpoint(apiKey, null);
        byte[] value = JsonSerde.of(Endpoint.class).encode(e);

        ProjectionPlanner.Plan plan = planner.plan(record(topics.endpoints().name(), "ep_1", value));

        String ops = plan.writes().ops().toString();
        assertThat(ops).doesNotContain(apiKey.token(), "EAAGm0PX4ZCpsBAKZCv3qS1");
        JsonNode set = plan.writes().ops().get(0);
        assertThat(set.get("op").asText()).isEqualTo("set");
        assertThat(set.get("v").asText()).contains("\"apiKey\":\"****3qS1\"")
                .contains("\"webhookUrl\":\"" + TestSecrets.WEBHOOK_BASE + "/api/whatsapp/webhook/acme/ep_1\"")
                .doesNotContain("webhookSecret");
        assertThat(plan.writes().keys()).containsExactly("wa-unit:endpoint:ep_1", "wa-unit:tenant:acme:endpoints");
    }

    @Test
    void aSecretThatDoesNotOpenIsShownFullyMasked() {
        Endpoint e = endpoint(Sealed.of("v1.k1.c2VjcmV0LWFwaS1rZXk="), null);

        ProjectionPlanner.Plan plan = planner.plan(record(topics.endpoints().name(), "ep_1",
                JsonSerde.of(Endpoint.class).encode(e)));

        assertThat(plan.writes().ops().get(0).get("v").asText()).contains("\"apiKey\":\"****\"")
                .doesNotContain("c2VjcmV0LWFwaS1rZXk=");
    }

    @Test
    void deletingAnEndpointRemovesItFromItsTenantsSet() {
        ProjectionPlanner.Plan plan = planner.plan(record(topics.endpoints().name(), "ep_1", null));

        JsonNode op = plan.writes().ops().get(0);
        assertThat(op.get("op").asText()).isEqualTo("delOwned");
        assertThat(op.get("setPrefix").asText()).isEqualTo("wa-unit:tenant:");
        assertThat(op.get("setSuffix").asText()).isEqualTo(":endpoints");
    }

    @Test
    void storesASessionAsItsSealedTokenOnly() {
        Sealed data = TestSecrets.BOX.seal("{\"creds\":\"noise-key\"}", DeviceSession.context("acme", "dev_1"));
        byte[] value = JsonSerde.of(DeviceSession.class).encode(new DeviceSession("dev_1", "acme", data,
                Instant.parse("2025-01-01T00:00:00Z")));

        ProjectionPlanner.Plan plan = planner.plan(record(topics.deviceSessions().name(), "dev_1", value));

        JsonNode set = plan.writes().ops().get(0);
        assertThat(set.get("op").asText()).isEqualTo("set");
        assertThat(set.get("v").asText()).isEqualTo(data.token());
        assertThat(plan.writes().keys()).containsExactly("wa-unit:session:dev_1");
        assertThat(plan.writes().ops().toString()).doesNotContain("noise-key");
    }

    @Test
    void deletingADeviceDeletesItsSessionToo() {
        ProjectionPlanner.Plan plan = planner.plan(record(topics.devices().name(), "dev_1", null));

        assertThat(opNames(plan)).containsExactly("delOwned", "del");
        assertThat(plan.writes().keys()).containsExactly("wa-unit:device:dev_1", "wa-unit:session:dev_1");
    }

    @Test
    void storesACommandOutcomeForADay() {
        CommandOutcome outcome = new CommandOutcome("cmd_1", "acme", CommandOutcome.Status.REJECTED, 404,
                "tenant_not_found", "tenant acme is not initialised", "acme", null, null,
                Instant.parse("2025-01-01T00:00:00Z"));
        byte[] value = JsonSerde.of(CommandOutcome.class).encode(outcome);

        ProjectionPlanner.Plan plan = planner.plan(record(topics.managementOutcomes().name(), "cmd_1", value));
        ProjectionPlanner.Plan wrongKey = planner.plan(record(topics.managementOutcomes().name(), "cmd_2", value));

        JsonNode set = plan.writes().ops().get(0);
        assertThat(set.get("ttl").asText()).isEqualTo("86400");
        assertThat(set.get("v").asText()).isEqualTo(new String(value, StandardCharsets.UTF_8));
        assertThat(plan.writes().keys()).containsExactly("wa-unit:command:cmd_1");
        assertThat(wrongKey.skipped()).isTrue();
    }

    @Test
    void skipsUnreadableRecordsWithAReason() {
        ProjectionPlanner.Plan plan = planner.plan(record(topics.events().name(), "acme:+1",
                "{not json".getBytes(StandardCharsets.UTF_8)));

        assertThat(plan.skipped()).isTrue();
        assertThat(plan.skipReason()).startsWith("invalid Envelope JSON");
        assertThat(plan.writes().isEmpty()).isTrue();
    }

    @Test
    void refusesKeysThatCannotBeRedisKeyParts() {
        assertThat(planner.plan(record(topics.tenantConfig().name(), "a:b", null)).skipped()).isTrue();
        assertThat(planner.plan(record(topics.endpoints().name(), "*", null)).skipped()).isTrue();
    }

    private ConsumerRecord<byte[], byte[]> inbound(String phone, String lid) {
        InboundMessage m = new InboundMessage("msg_1", "3EB0", "acme", "ep_waha1", ProviderType.WAHA, phone, lid,
                null, Instant.parse("2025-06-09T10:00:00Z"), new MessageContent.Text("hi", null), null);
        Envelope e = new Envelope("evt_1", "acme", m.timestamp(), "req", m);
        return record(topics.events().name(), ConversationKeys.of(e), JsonSerde.of(Envelope.class).encode(e));
    }

    private static List<String> opNames(ProjectionPlanner.Plan plan) {
        List<String> names = new ArrayList<>();
        plan.writes().ops().forEach(op -> names.add(op.get("op").asText()));
        return names;
    }

    @Test
    void linksTheLidBeforeAddingAMessageThatCarriesBothIds() {
        ProjectionPlanner.Plan plan = planner.plan(inbound("+16505551234", "123456789012345"));

        assertThat(opNames(plan)).containsSubsequence("hset", "link", "conv");
        JsonNode link = plan.writes().ops().get(opNames(plan).indexOf("link"));
        assertThat(link.get("fromId").asText()).isEqualTo("acme:lid:123456789012345");
        assertThat(link.get("toId").asText()).isEqualTo("acme:+16505551234");
        assertThat(link.get("prefix").asText()).isEqualTo("wa-unit:message:");
        assertThat(plan.writes().keys()).contains("wa-unit:lidmap:acme:123456789012345",
                "wa-unit:conversation:acme:lid:123456789012345", "wa-unit:messages:acme:lid:123456789012345");
    }

    @Test
    void putsALidOnlyMessageInTheLidConversationUnlessTheLidIsLinked() {
        ProjectionPlanner.Plan plan = planner.plan(inbound(null, "123456789012345"));

        assertThat(opNames(plan)).doesNotContain("link");
        JsonNode conv = plan.writes().ops().get(opNames(plan).indexOf("conv"));
        assertThat(conv.get("convId").asText()).isEqualTo("acme:lid:123456789012345");
        assertThat(conv.get("convPrefix").asText()).isEqualTo("wa-unit:conversation:");
        assertThat(conv.get("msgsPrefix").asText()).isEqualTo("wa-unit:messages:");
        assertThat(plan.writes().keys().get(conv.get("lidref").asInt() - 2))
                .isEqualTo("wa-unit:lidmap:acme:123456789012345");
    }

    @Test
    void aMessageWithOnlyAPhoneNeitherLinksNorRedirects() {
        ProjectionPlanner.Plan plan = planner.plan(inbound("+16505551234", null));

        assertThat(opNames(plan)).doesNotContain("link");
        assertThat(plan.writes().ops().get(opNames(plan).indexOf("conv")).has("lidref")).isFalse();
    }

    @Test
    void aReceiptNamingTheGatewayMessageIdHandsItToTheScriptBesideTheMsgref() {
        ProjectionPlanner.Plan plan = planner.plan(receipt("msg_5f1c0a9e2b7d4c3a8e6f1b2c3d4e5f60"));

        JsonNode receipt = plan.writes().ops().get(opNames(plan).indexOf("receipt"));
        assertThat(receipt.get("mid").asText()).isEqualTo("msg_5f1c0a9e2b7d4c3a8e6f1b2c3d4e5f60");
        assertThat(receipt.get("tenant").asText()).isEqualTo("acme");
        assertThat(plan.writes().keys().get(receipt.get("mk").asInt() - 2))
                .isEqualTo("wa-unit:message:msg_5f1c0a9e2b7d4c3a8e6f1b2c3d4e5f60");
        assertThat(plan.writes().keys().get(receipt.get("ref").asInt() - 2)).isEqualTo("wa-unit:msgref:acme:wamid.R");
    }

    @Test
    void aReceiptWithoutAUsableGatewayIdIsFoundThroughTheMsgrefOnly() {
        for (String messageId : new String[] {null, "not an id"}) {
            ProjectionPlanner.Plan plan = planner.plan(receipt(messageId));

            JsonNode receipt = plan.writes().ops().get(opNames(plan).indexOf("receipt"));
            assertThat(receipt.has("mid")).as("%s", messageId).isFalse();
            assertThat(receipt.has("mk")).isFalse();
        }
    }

    private ConsumerRecord<byte[], byte[]> receipt(String messageId) {
        Instant at = Instant.parse("2025-06-09T10:00:00Z");
        Envelope e = new Envelope("evt_r", "acme", at, "req", new MessageStatusUpdate(messageId, "wamid.R", "acme",
                "ep_1", ProviderType.CLOUD_API, "+16505551234", MessageStatus.DELIVERED, at, null, null));
        return record(topics.events().name(), "acme:+16505551234",
                JsonSerde.of(Envelope.class).encode(e));
    }

    @Test
    void timestampsSortAsStrings() {
        assertThat(Timestamps.iso(Instant.parse("2025-06-08T21:39:43Z"))).isEqualTo("2025-06-08T21:39:43.000Z");
        assertThat(Timestamps.iso(Instant.parse("2025-06-08T21:39:43.5Z")))
                .isGreaterThan(Timestamps.iso(Instant.parse("2025-06-08T21:39:43Z")));
    }
}
