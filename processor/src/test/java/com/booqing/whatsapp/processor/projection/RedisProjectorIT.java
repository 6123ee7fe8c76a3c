package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.processor.inbound.ConversationKeys;
import com.booqing.whatsapp.processor.testing.Fixtures;
import com.booqing.whatsapp.processor.testing.TestSecrets;
import com.booqing.whatsapp.processor.webhook.WebhookParsers;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The projector against the test JVM's real broker and Redis, in its own topics and key namespace. */
@KafkaAndRedis
class RedisProjectorIT {
    private static final Duration TTL = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2025-06-09T10:00:00Z");

    private final Infra infra;
    private final List<RedisProjector> projectors = new ArrayList<>();
    private Topics topics;
    private RedisKeys keys;
    private String tenant;
    private KafkaProducer<byte[], byte[]> producer;

    RedisProjectorIT(Infra infra) {
        this.infra = infra;
    }

    @BeforeEach
    void setUp() {
        topics = infra.newTopics();
        keys = infra.newRedisKeys();
        tenant = infra.uniqueId("t");
        producer = new KafkaProducer<>(KafkaClients.durableProducer(infra.bootstrapServers(), "projector-it",
                Duration.ofSeconds(30), Duration.ofSeconds(60)));
    }

    @AfterEach
    void tearDown() {
        projectors.forEach(RedisProjector::close);
        producer.close();
        infra.deleteKeys(keys);
    }

    private RedisProjector startProjector(String group) {
        return startProjector(group, new SimpleMeterRegistry());
    }

    private RedisProjector startProjector(String group, SimpleMeterRegistry meters) {
        ProjectionPlanner planner = new ProjectionPlanner(topics, keys, TTL, TestSecrets.endpointView());
        RedisProjector p = RedisProjector.create(infra.bootstrapServers(), group, planner,
                new ProjectionScript(infra.redis()), keys, meters).start();
        projectors.add(p);
        return p;
    }

    @SuppressWarnings("unchecked")
    private <V> long send(Topic<String, V> topic, String key, V value) {
        byte[] bytes = ((JsonSerde<V>) topic.valueSerde()).encode(value);
        try {
            return producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8), bytes))
                    .get(30, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Envelope inboundText(String wamid, String phone, String text, Instant at) {
        InboundMessage m = new InboundMessage(EventIds.inboundMessageId(tenant, wamid), wamid, tenant, "ep_1",
                ProviderType.CLOUD_API, phone, null, "Sheena Nelson", at, new MessageContent.Text(text, null), null);
        return new Envelope(EventIds.eventId(tenant, "cloud-api", wamid), tenant, at, "req-" + wamid, m);
    }

    private Envelope receipt(String wamid, String phone, MessageStatus status, Instant at) {
        MessageStatusUpdate u = new MessageStatusUpdate(null, wamid, tenant, "ep_1", ProviderType.CLOUD_API, phone,
                status, at, null, null);
        return new Envelope(EventIds.eventId(tenant, "cloud-api", wamid, status.wireName()), tenant, at, "req", u);
    }

    private SendCommand command(String idempotencyKey, String to, String text) {
        return new SendCommand(null, tenant, null, null, to, new MessageContent.Text(text, null), idempotencyKey,
                null, T0);
    }

    private SendResult sent(SendCommand c, String wamid, Instant at) {
        return new SendResult(c.messageId(), tenant, c.idempotencyKey(), c.to(), SendResult.Outcome.SENT, "ep_1",
                ProviderType.CLOUD_API, wamid, null, null, 1, at);
    }

    private void awaitProjected(Topic<?, ?> topic, long offset) {
        JedisPooled redis = infra.redis();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (int p = 0; p < topic.partitions(); p++) {
                String stored = redis.get(keys.projectionOffset(RedisProjector.PROJECTION, topic.name(), p));
                if (stored != null && Long.parseLong(stored) >= offset) {
                    return true;
                }
            }
            return false;
        });
    }

    private void awaitAllProjected(Map<Topic<?, ?>, Long> lastOffsets) {
        lastOffsets.forEach(this::awaitProjected);
    }

    @Test
    void textMessageLandsUnderConversationMessageAndMessagesKeysWithTtl() {
        String phone = "+16505551234";
        Envelope e = inboundText("wamid.A", phone, "Does it come in another color?", T0);
        long offset = send(topics.events(), tenant + ":" + phone, e);
        startProjector(infra.uniqueId("g"));
        awaitProjected(topics.events(), offset);

        JedisPooled redis = infra.redis();
        InboundMessage m = (InboundMessage) e.payload();
        String conversationId = tenant + ":" + phone;
        Map<String, String> message = redis.hgetAll(keys.message(m.messageId()));
        assertThat(message).containsEntry("id", m.messageId())
                .containsEntry("tenantId", tenant)
                .containsEntry("conversationId", conversationId)
                .containsEntry("direction", "inbound")
                .containsEntry("phone", phone)
                .containsEntry("contactName", "Sheena Nelson")
                .containsEntry("provider", "cloud-api")
                .containsEntry("endpointId", "ep_1")
                .containsEntry("providerMessageId", "wamid.A")
                .containsEntry("type", "text")
                .containsEntry("content", "{\"type\":\"text\",\"body\":\"Does it come in another color?\"}")
                .containsEntry("timestamp", "2025-06-09T10:00:00.000Z");
        Map<String, String> conversation = redis.hgetAll(keys.conversation(tenant, phone));
        assertThat(conversation).containsEntry("id", conversationId)
                .containsEntry("tenantId", tenant)
                .containsEntry("phone", phone)
                .containsEntry("contactName", "Sheena Nelson")
                .containsEntry("lastMessageId", m.messageId())
                .containsEntry("lastMessageAt", "2025-06-09T10:00:00.000Z")
                .containsEntry("lastMessagePreview", "Does it come in another color?")
                .containsEntry("messageCount", "1");
        assertThat(redis.zrangeWithScores(keys.messages(conversationId), 0, -1))
                .containsExactly(new Tuple(m.messageId(), (double) T0.toEpochMilli()));
        assertThat(redis.zrange(keys.tenantConversations(tenant), 0, -1)).containsExactly(conversationId);
        assertThat(redis.lrange(keys.events(tenant), 0, -1)).hasSize(1);
        for (String key : List.of(keys.message(m.messageId()), keys.conversation(tenant, phone),
                keys.messages(conversationId))) {
            assertThat(redis.ttl(key)).as(key).isBetween(TTL.toSeconds() - 60, TTL.toSeconds());
        }
    }

    @Test
    void statusNeverMovesBackwards() {
        String phone = "+16505551234";
        SendCommand c = command("k1", phone, "Your booking is confirmed");
        send(topics.sendCommands(), c.partitionKey(), c);
        long resultOffset = send(topics.sendResults(), c.partitionKey(), sent(c, "wamid.OUT", T0.plusSeconds(1)));
        send(topics.events(), c.partitionKey(), receipt("wamid.OUT", phone, MessageStatus.READ, T0.plusSeconds(5)));
        long last = send(topics.events(), c.partitionKey(),
                receipt("wamid.OUT", phone, MessageStatus.DELIVERED, T0.plusSeconds(3)));
        startProjector(infra.uniqueId("g"));
        awaitAllProjected(Map.of(topics.sendResults(), resultOffset, topics.events(), last));

        Map<String, String> message = infra.redis().hgetAll(keys.message(c.messageId()));
        assertThat(message).containsEntry("status", "read")
                .containsEntry("updatedAt", "2025-06-09T10:00:05.000Z")
                .containsEntry("providerMessageId", "wamid.OUT")
                .containsEntry("direction", "outbound");
        assertThat(message.get("history")).contains("\"status\":\"pending\"", "\"status\":\"sent\"",
                "\"status\":\"read\"", "\"status\":\"delivered\"");
        assertThat(infra.redis().get(keys.providerMessageRef(tenant, "wamid.OUT"))).isEqualTo(c.messageId());
    }

    @Test
    void receiptsThatOvertakeTheSendResultJoinTheMessage() {
        String phone = "+16505551234";
        SendCommand c = command("k2", phone, "hello");
        send(topics.sendCommands(), c.partitionKey(), c);
        long receiptOffset = send(topics.events(), c.partitionKey(),
                receipt("wamid.EARLY", phone, MessageStatus.DELIVERED, T0.plusSeconds(2)));
        RedisProjector first = startProjector(infra.uniqueId("g"));
        awaitProjected(topics.events(), receiptOffset);
        String holder = keys.message(ReceiptHolders.holderId(tenant, "wamid.EARLY"));
        assertThat(infra.redis().hget(holder, "status")).isEqualTo("delivered");

        long resultOffset = send(topics.sendResults(), c.partitionKey(), sent(c, "wamid.EARLY", T0.plusSeconds(1)));
        awaitProjected(topics.sendResults(), resultOffset);
        first.close();

        assertThat(infra.redis().exists(holder)).isFalse();
        assertThat(infra.redis().hgetAll(keys.message(c.messageId()))).containsEntry("status", "delivered")
                .containsEntry("providerMessageId", "wamid.EARLY");
    }

    @Test
    void aRepeatedBatchLeavesRedisIdentical() throws InterruptedException {
        String phone = "+31612345678";
        SendCommand c = command("k3", phone, "see you at 10");
        send(topics.sendCommands(), c.partitionKey(), c);
        long result = send(topics.sendResults(), c.partitionKey(), sent(c, "wamid.R", T0.plusSeconds(1)));
        send(topics.events(), c.partitionKey(), inboundText("wamid.IN1", phone, "thanks", T0.plusSeconds(10)));
        send(topics.events(), c.partitionKey(), receipt("wamid.R", phone, MessageStatus.DELIVERED, T0.plusSeconds(2)));
        long events = send(topics.events(), c.partitionKey(),
                inboundText("wamid.IN2", phone, "one more thing", T0.plusSeconds(20)));
        startProjector(infra.uniqueId("g"));
        awaitAllProjected(Map.of(topics.sendResults(), result, topics.events(), events));
        Map<String, Object> before = snapshot();
        Map<String, Long> ttlBefore = ttls();

        // Let TTLs tick down, so a write that was applied again (and so refreshed its TTL) would show.
        Thread.sleep(1_100);
        // A new group has no committed offsets: it reads all five records again from the start.
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        startProjector(infra.uniqueId("g"), meters);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                meters.counter("whatsapp.projector.records", "outcome", "repeat").count()
                        + meters.counter("whatsapp.projector.records", "outcome", "applied").count() >= 5);

        assertThat(snapshot()).isEqualTo(before);
        ttls().forEach((key, ttl) -> assertThat(ttl).as(key).isLessThan(ttlBefore.get(key)));
        assertThat(infra.redis().llen(keys.events(tenant))).isEqualTo(3);
        assertThat(infra.redis().hget(keys.conversation(tenant, phone), "messageCount")).isEqualTo("3");
    }

    @Test
    void endpointsAreStoredMaskedAndRemovedWithTheirTombstone() throws Exception {
        String id = infra.uniqueId("ep");
        Sealed accessToken = TestSecrets.seal(tenant, id, "apiKey",
                Canaries.register("processor cloud access token", "EAAG" + Canaries.randomHex(14) + "9f3c"));
        Sealed appSecret = TestSecrets.seal(tenant, id, "webhookSecret", "short");
        Endpoint endpoint = new Endpoint(id, tenant, "Primary", ProviderType.CLOUD_API, "https://graph.facebook.com",
                "v23.0", "106540352242922", null, null, accessToken, appSecret, null, true, true, 1, T0, T0);
        long put = send(topics.endpoints(), id, endpoint);
        startProjector(infra.uniqueId("g"));
        awaitProjected(topics.endpoints(), put);

        String stored = infra.redis().get(keys.endpoint(id));
        assertThat(stored).contains("\"apiKey\":\"****9f3c\"", "\"webhookSecret\":\"****\"")
                .doesNotContain(accessToken.token(), appSecret.token(), "access-token", "short", "verifyToken");
        assertThat(stored).isEqualTo(TestSecrets.endpointView().jsonString(endpoint));
        assertThat(infra.redis().smembers(keys.tenantEndpoints(tenant))).containsExactly(id);

        long tombstone = producer.send(new ProducerRecord<>(topics.endpoints().name(),
                id.getBytes(StandardCharsets.UTF_8), null)).get(30, TimeUnit.SECONDS).offset();
        awaitProjected(topics.endpoints(), tombstone);
        assertThat(infra.redis().exists(keys.endpoint(id))).isFalse();
        assertThat(infra.redis().smembers(keys.tenantEndpoints(tenant))).isEmpty();
    }

    @Test
    void devicesAndTheirSessionsAreProjectedWithTheSessionStillSealed() throws Exception {
        String id = infra.uniqueId("dev");
        Device device = new Device(id, tenant, "ep_1", "Front desk", "+14155550123", DeviceStatus.PAIRING, "2@qr",
                null, 0, 5, T0, T0);
        String sessionSecret = Canaries.text("processor device session data");
        String plaintext = "{\"noiseKey\":\"" + sessionSecret + "\"}";
        Sealed data = TestSecrets.BOX.seal(plaintext, DeviceSession.context(tenant, id));
        long put = send(topics.devices(), id, device);
        long session = send(topics.deviceSessions(), id, new DeviceSession(id, tenant, data, T0));
        startProjector(infra.uniqueId("g"));
        awaitProjected(topics.deviceSessions(), session);
        awaitProjected(topics.devices(), put);

        assertThat(infra.redis().get(keys.device(id)))
                .isEqualTo(new String(JsonSerde.of(Device.class).encode(device), StandardCharsets.UTF_8));
        assertThat(infra.redis().smembers(keys.tenantDevices(tenant))).containsExactly(id);
        assertThat(infra.redis().get(keys.session(id))).isEqualTo(data.token());
        assertThat(snapshot().toString()).doesNotContain(sessionSecret, "noiseKey");

        long tombstone = producer.send(new ProducerRecord<>(topics.devices().name(),
                id.getBytes(StandardCharsets.UTF_8), null)).get(30, TimeUnit.SECONDS).offset();
        awaitProjected(topics.devices(), tombstone);
        assertThat(infra.redis().exists(keys.device(id))).isFalse();
        assertThat(infra.redis().exists(keys.session(id))).isFalse();
        assertThat(infra.redis().smembers(keys.tenantDevices(tenant))).isEmpty();
    }

    @Test
    void commandOutcomesAreKeptForADay() {
        String commandId = infra.uniqueId("cmd");
        CommandOutcome outcome = new CommandOutcome(commandId, tenant, CommandOutcome.Status.APPLIED, 201, "applied",
                "tenant " + tenant + " created", tenant, null, null, T0);
        long offset = send(topics.managementOutcomes(), commandId, outcome);
        startProjector(infra.uniqueId("g"));
        awaitProjected(topics.managementOutcomes(), offset);

        String key = CommandKeys.command(keys, commandId);
        assertThat(infra.redis().get(key))
                .isEqualTo(new String(JsonSerde.of(CommandOutcome.class).encode(outcome), StandardCharsets.UTF_8));
        assertThat(infra.redis().ttl(key)).isBetween(Duration.ofDays(1).minusMinutes(1).toSeconds(),
                Duration.ofDays(1).toSeconds());
    }

    @Test
    void recordsSurviveARedisOutageBecauseNothingIsCommitted() throws Exception {
        String phone = "+16505551234";
        long offset = send(topics.events(), tenant + ":" + phone, inboundText("wamid.O", phone, "hi", T0));
        String group = infra.uniqueId("g");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // Nothing listens on port 1: every Redis call fails to connect.
        try (JedisPooled deadRedis = RedisClients.pooled(URI.create("redis://127.0.0.1:1"), 1)) {
            RedisProjector broken = RedisProjector.create(infra.bootstrapServers(), group,
                    new ProjectionPlanner(topics, keys, TTL, TestSecrets.endpointView()), new ProjectionScript(deadRedis), keys, meters).start();
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    meters.counter("whatsapp.projector.redis_failures").count() >= 6);
            broken.close();
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                    .isEmpty();
        }

        startProjector(group);
        awaitProjected(topics.events(), offset);
        assertThat(infra.redis().hget(keys.conversation(tenant, phone), "lastMessagePreview")).isEqualTo("hi");
    }

    @Test
    void closingTheProjectorCommitsWhatRedisTook() throws Exception {
        String phone = "+16505550100";
        String key = tenant + ":" + phone;
        send(topics.events(), key, inboundText("wamid.C1", phone, "one", T0));
        long last = send(topics.events(), key, inboundText("wamid.C2", phone, "two", T0.plusSeconds(1)));
        String group = infra.uniqueId("g");
        RedisProjector projector = startProjector(group);
        awaitProjected(topics.events(), last);

        projector.close();

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertThat(committed.values()).extracting(OffsetAndMetadata::offset).contains(last + 1);
        }
    }

    @Test
    void aTenantsWebhookRetriesAreReadFromTheConfigurationTopic() throws Exception {
        TenantConfiguration config = new TenantConfiguration(tenant, null, true, true, 30, 60, 9, 30_000, T0, T0);
        send(topics.tenantConfig(), tenant, config);
        try (TenantRetries retries = TenantRetries.start(infra.bootstrapServers(), topics, infra.uniqueId("r"), 3)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> retries.retriesFor(tenant) == 9);
            assertThat(retries.retriesFor(infra.uniqueId("other"))).isEqualTo(3);
        }
    }

    private Envelope wahaText(String providerId, String phone, String lid, String text, Instant at) {
        InboundMessage m = new InboundMessage(EventIds.inboundMessageId(tenant, providerId), providerId, tenant,
                "ep_waha1", ProviderType.WAHA, phone, lid, "Sheena Nelson", at, new MessageContent.Text(text, null),
                null);
        return new Envelope(EventIds.eventId(tenant, "waha", "default", "message", providerId), tenant, at, "req", m);
    }

    private long sendEvent(Envelope e) {
        return send(topics.events(), ConversationKeys.of(e), e);
    }

    @Test
    void lidOnlyConversationMergesIntoThePhoneConversation() {
        String phone = "+16505551234";
        String lid = "123456789012345";
        Envelope first = wahaText("LID1", null, lid, "Can I book for Friday?", T0);
        Envelope second = wahaText("LID2", null, lid, "Afternoon if possible", T0.plusSeconds(5));
        Envelope linked = wahaText("LINKED", phone, lid, "At 10?", T0.plusSeconds(10));
        sendEvent(first);
        sendEvent(second);
        startProjector(infra.uniqueId("g"));
        awaitAllOffsetsProjected();
        String lidConversation = tenant + ":lid:" + lid;
        assertThat(infra.redis().hgetAll(keys.conversation(tenant, "lid:" + lid)))
                .containsEntry("id", lidConversation).containsEntry("lid", lid).containsEntry("messageCount", "2")
                .doesNotContainKey("phone");
        assertThat(infra.redis().hget(keys.message(messageIdOf(first)), "conversationId")).isEqualTo(lidConversation);

        sendEvent(linked);
        awaitAllOffsetsProjected();

        JedisPooled redis = infra.redis();
        String phoneConversation = tenant + ":" + phone;
        assertThat(redis.exists(keys.conversation(tenant, "lid:" + lid))).isFalse();
        assertThat(redis.exists(keys.messages(lidConversation))).isFalse();
        assertThat(redis.hgetAll(keys.conversation(tenant, phone)))
                .containsEntry("id", phoneConversation)
                .containsEntry("phone", phone)
                .containsEntry("lid", lid)
                .containsEntry("messageCount", "3")
                .containsEntry("lastMessageId", messageIdOf(linked))
                .containsEntry("lastMessagePreview", "At 10?");
        assertThat(redis.zrange(keys.messages(phoneConversation), 0, -1))
                .containsExactly(messageIdOf(first), messageIdOf(second), messageIdOf(linked));
        for (Envelope e : List.of(first, second, linked)) {
            assertThat(redis.hgetAll(keys.message(messageIdOf(e))))
                    .containsEntry("conversationId", phoneConversation).containsEntry("phone", phone);
        }
        assertThat(redis.zrange(keys.tenantConversations(tenant), 0, -1)).containsExactly(phoneConversation);
        assertThat(redis.get(LidKeys.lidRef(keys, tenant, lid))).isEqualTo(phone);
    }

    @Test
    void lidOnlyMessageProjectedAfterTheLinkGoesToThePhoneConversation() {
        String phone = "+16505551234";
        String lid = "123456789012345";
        Envelope linked = wahaText("LINKED", phone, lid, "At 10?", T0.plusSeconds(10));
        // Older, but keyed to another partition: the projector can read it after the linked message.
        Envelope lidOnly = wahaText("LATE", null, lid, "Can I book for Friday?", T0);
        sendEvent(linked);
        startProjector(infra.uniqueId("g"));
        awaitAllOffsetsProjected();
        sendEvent(lidOnly);
        awaitAllOffsetsProjected();

        JedisPooled redis = infra.redis();
        String phoneConversation = tenant + ":" + phone;
        assertThat(redis.exists(keys.conversation(tenant, "lid:" + lid))).isFalse();
        assertThat(redis.zrange(keys.messages(phoneConversation), 0, -1))
                .containsExactly(messageIdOf(lidOnly), messageIdOf(linked));
        assertThat(redis.hgetAll(keys.conversation(tenant, phone))).containsEntry("messageCount", "2")
                .containsEntry("lastMessageId", messageIdOf(linked)).containsEntry("phone", phone);
        assertThat(redis.hgetAll(keys.message(messageIdOf(lidOnly))))
                .containsEntry("conversationId", phoneConversation).containsEntry("phone", phone)
                .containsEntry("lid", lid);
        assertThat(redis.zrange(keys.tenantConversations(tenant), 0, -1)).containsExactly(phoneConversation);
    }

    @Test
    void aGroupIsOneConversationWithoutAPhone() {
        String group = "120363025246125486@g.us";
        Envelope e = wahaText("GROUP1", group, null, "Hello everyone", T0);
        sendEvent(e);
        startProjector(infra.uniqueId("g"));
        awaitAllOffsetsProjected();

        assertThat(infra.redis().hgetAll(keys.conversation(tenant, group)))
                .containsEntry("id", tenant + ":" + group).containsEntry("groupId", group)
                .doesNotContainKey("phone");
        assertThat(infra.redis().hgetAll(keys.message(messageIdOf(e))))
                .containsEntry("conversationId", tenant + ":" + group).containsEntry("groupId", group)
                .doesNotContainKey("phone");
    }

    @Test
    void statusesFromEveryProviderOnlyMoveForward() {
        Map<String, List<RawWebhook>> receiptsNewestFirst = Map.of(
                "wamid.xyzxyz", List.of(
                        cloud("status-read.json"), cloud("status-delivered.json"), cloud("status-sent.json")),
                "4CC5EDD64BC22EBA6D639F2AF571346C", List.of(
                        Fixtures.rawWaha(tenant, "w1", Fixtures.waha("ack-read.json")),
                        Fixtures.rawWaha(tenant, "w2", Fixtures.waha("ack-device.json")),
                        Fixtures.rawWaha(tenant, "w3", Fixtures.waha("ack-server.json"))),
                "BAE5F2EF5C69001E", List.of(
                        Fixtures.rawEvolution(tenant, "e1", Fixtures.evolution("update-read.json")),
                        Fixtures.rawEvolution(tenant, "e2", Fixtures.evolution("update-delivery-ack.json")),
                        Fixtures.rawEvolution(tenant, "e3", Fixtures.evolution("send-message.json"))));
        WebhookParsers parsers = WebhookParsers.standard();
        for (List<RawWebhook> webhooks : receiptsNewestFirst.values()) {
            for (RawWebhook w : webhooks) {
                for (Envelope e : parsers.forProvider(w.provider()).parse(w).events()) {
                    assertThat(e.payload()).isInstanceOf(MessageStatusUpdate.class);
                    sendEvent(e);
                }
            }
        }
        startProjector(infra.uniqueId("g"));
        awaitAllOffsetsProjected();

        for (String providerMessageId : receiptsNewestFirst.keySet()) {
            Map<String, String> held = infra.redis().hgetAll(keys.message(
                    ReceiptHolders.holderId(tenant, providerMessageId)));
            assertThat(held).as(providerMessageId).containsEntry("status", "read")
                    .containsEntry("providerMessageId", providerMessageId);
            assertThat(held.get("history")).as(providerMessageId)
                    .contains("\"status\":\"read\"", "\"status\":\"delivered\"", "\"status\":\"sent\"");
        }
    }

    private RawWebhook cloud(String fixture) {
        return new RawWebhook("c-" + fixture, tenant, "ep_cloud1", ProviderType.CLOUD_API, T0, Map.of(),
                Fixtures.cloudApi(fixture));
    }

    /** Waits until every partition of the events topic that has records is projected up to its end. */
    private void awaitAllOffsetsProjected() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                    new java.util.HashMap<>();
            for (int p = 0; p < topics.events().partitions(); p++) {
                latest.put(new org.apache.kafka.common.TopicPartition(topics.events().name(), p),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                for (var end : ends.entrySet()) {
                    long endOffset = end.getValue().offset();
                    if (endOffset == 0) {
                        continue;
                    }
                    String stored = infra.redis().get(keys.projectionOffset(RedisProjector.PROJECTION,
                            end.getKey().topic(), end.getKey().partition()));
                    if (stored == null || Long.parseLong(stored) < endOffset - 1) {
                        return false;
                    }
                }
                return true;
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String messageIdOf(Envelope e) {
        return ((InboundMessage) e.payload()).messageId();
    }

    /** Every key of the test's namespace with its value, excluding TTLs. */
    private Map<String, Object> snapshot() {
        JedisPooled redis = infra.redis();
        Map<String, Object> all = new TreeMap<>();
        for (String key : namespaceKeys()) {
            Object value = switch (redis.type(key)) {
                case "string" -> redis.get(key);
                case "hash" -> new TreeMap<>(redis.hgetAll(key));
                case "zset" -> redis.zrangeWithScores(key, 0, -1);
                case "list" -> redis.lrange(key, 0, -1);
                case "set" -> new TreeSet<>(redis.smembers(key));
                default -> "type " + redis.type(key);
            };
            all.put(key, value);
        }
        return all;
    }

    private Map<String, Long> ttls() {
        Map<String, Long> ttls = new TreeMap<>();
        for (String key : namespaceKeys()) {
            long ttl = infra.redis().pttl(key);
            if (ttl > 0) {
                ttls.put(key, ttl);
            }
        }
        return ttls;
    }

    private List<String> namespaceKeys() {
        List<String> found = new ArrayList<>();
        ScanParams match = new ScanParams().match(keys.namespace() + ":*").count(500);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = infra.redis().scan(cursor, match);
            found.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return found;
    }
}
