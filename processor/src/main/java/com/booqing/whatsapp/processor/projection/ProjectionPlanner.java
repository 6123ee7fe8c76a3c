package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.processor.projection.RedisWrites.Fields;
import com.booqing.whatsapp.processor.resource.EndpointView;
import com.booqing.whatsapp.processor.webhook.ConversationAddress;
import com.booqing.whatsapp.processor.webhook.PhoneNumbers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Computes the Redis writes of one record of a projected topic. Pure: the writes depend only on the record
 * (times come from the data, never from a clock), so replaying a record computes the same writes, which the
 * offset fence then skips anyway.
 *
 * <p>Layout (namespace "whatsapp" in production): message:{id} hash, conversation:{tenant}:{phone} hash,
 * messages:{conversationId} zset, tenant:{t}:conversations zset, msgref:{tenant}:{providerMessageId},
 * events:{tenant} / events:global bounded lists, config:{tenant}, endpoint:{id} (the API's view: secrets
 * masked, see {@link EndpointView}) + tenant:{t}:endpoints, health:{endpointId}, device:{id} + tenant:{t}:devices,
 * session:{deviceId} (the sealed token only, never opened), command:{commandId} (the outcome, TTL 1 day).
 */
public final class ProjectionPlanner {
    public static final int TENANT_EVENTS_MAX = 1000;
    public static final int GLOBAL_EVENTS_MAX = 10_000;
    private static final ObjectWriter CONTENT = Json.strict().writerFor(MessageContent.class);

    private final Topics topics;
    private final RedisKeys keys;
    private final Duration ttl;
    private final EndpointView endpointView;
    private final Map<String, Projection> byTopic;

    /** The projection of one topic's records. */
    @FunctionalInterface
    private interface Projection {
        Plan plan(String key, byte[] value, Instant recordTime);
    }

    /**
     * What to do with one record: writes, or a reason why it has none; and the tenant the record belongs to,
     * when it names one (its Redis retries are the tenant's webhookRetries), else null.
     */
    public record Plan(RedisWrites writes, String skipReason, String tenantId) {
        static Plan of(RedisWrites writes) {
            return new Plan(writes, null, null);
        }

        static Plan of(RedisWrites writes, String tenantId) {
            return new Plan(writes, null, tenantId);
        }

        static Plan skip(String reason) {
            return new Plan(RedisWrites.none(), reason, null);
        }

        public boolean skipped() {
            return skipReason != null;
        }
    }

    public ProjectionPlanner(Topics topics, RedisKeys keys, Duration messageTtl, EndpointView endpointView) {
        this.topics = topics;
        this.keys = keys;
        this.ttl = messageTtl;
        this.endpointView = endpointView;
        this.byTopic = Map.of(
                topics.events().name(), this::event,
                topics.sendCommands().name(), this::sendCommand,
                topics.sendResults().name(), this::sendResult,
                topics.tenantConfig().name(), this::tenantConfig,
                topics.endpoints().name(), this::endpoint,
                topics.endpointHealth().name(), this::health,
                topics.devices().name(), this::device,
                topics.deviceSessions().name(), this::session,
                topics.managementOutcomes().name(), this::outcome);
    }

    /** The topics this planner projects. */
    public List<String> topicNames() {
        return List.copyOf(byTopic.keySet());
    }

    public Plan plan(ConsumerRecord<byte[], byte[]> record) {
        Projection f = byTopic.get(record.topic());
        if (f == null) {
            return Plan.skip("not a projected topic");
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        try {
            return f.plan(key, record.value(), Instant.ofEpochMilli(Math.max(0, record.timestamp())));
        } catch (RuntimeException e) {
            return Plan.skip("cannot project: " + e.getClass().getSimpleName());
        }
    }

    // --- events ---

    private Plan event(String key, byte[] value, Instant recordTime) {
        if (value == null) {
            return Plan.skip("tombstone on the events topic");
        }
        Decoded<Envelope> d = decode(topics.events(), value);
        if (d instanceof Decoded.Bad<Envelope> bad) {
            return Plan.skip(bad.reason());
        }
        Envelope envelope = ((Decoded.Ok<Envelope>) d).value();
        if (!Ids.isValidTenantId(envelope.tenantId())) {
            return Plan.skip("invalid tenant id");
        }
        RedisWrites w = new RedisWrites();
        if (envelope.payload() instanceof InboundMessage m) {
            inboundMessage(w, m, recordTime);
        } else if (envelope.payload() instanceof MessageStatusUpdate u) {
            statusUpdate(w, u, recordTime);
        }
        String json = new String(value, StandardCharsets.UTF_8);
        w.pushBounded(keys.events(envelope.tenantId()), json, TENANT_EVENTS_MAX);
        w.pushBounded(keys.eventsGlobal(), json, GLOBAL_EVENTS_MAX);
        return Plan.of(w, envelope.tenantId());
    }

    private void inboundMessage(RedisWrites w, InboundMessage m, Instant recordTime) {
        String tenant = m.tenantId();
        Instant time = timeOf(m.timestamp(), recordTime);
        String at = Timestamps.iso(time);
        String address = ConversationAddress.of(m.phone(), m.lid());
        String phone = PhoneNumbers.isConversationPhone(m.phone()) ? m.phone() : null;
        String lid = ConversationAddress.isLid(m.lid()) ? m.lid() : null;
        String conversationId = address == null ? null : RedisKeys.conversationId(tenant, address);
        String messageKey = keys.message(m.messageId());
        w.hset(messageKey, Fields.of()
                .put("id", m.messageId())
                .put("tenantId", tenant)
                .put("conversationId", conversationId)
                .put("direction", "inbound")
                .put("phone", phone)
                .put("lid", m.lid())
                .put("groupId", ConversationAddress.isGroup(m.phone()) ? m.phone() : null)
                .put("contactName", m.contactName())
                .put("provider", m.provider() == null ? null : m.provider().wireName())
                .put("endpointId", m.endpointId())
                .put("providerMessageId", m.providerMessageId())
                .put("replyTo", m.replyTo())
                .put("type", m.content().kind())
                .put("content", contentJson(m.content()))
                .put("timestamp", at)
                .put("updatedAt", at));
        w.expire(messageKey, ttl);
        if (address == null) {
            return;
        }
        if (phone != null && lid != null) {
            String lidConversationId = RedisKeys.conversationId(tenant, ConversationAddress.LID_PREFIX + lid);
            w.link(LidKeys.lidRef(keys, tenant, lid), phone,
                    keys.conversation(tenant, ConversationAddress.LID_PREFIX + lid), keys.messages(lidConversationId),
                    lidConversationId, keys.conversation(tenant, phone), keys.messages(conversationId),
                    conversationId, keys.tenantConversations(tenant), keys.message(""),
                    identity(tenant, phone), ttl);
        }
        Fields extra = Fields.of().put("contactName", m.contactName()).put("lid", m.lid());
        if (phone == null && lid != null && address.equals(ConversationAddress.LID_PREFIX + lid)) {
            conversation(w, tenant, address, extra, m.messageId(), time, Previews.of(m.content()),
                    new LidRedirect(LidKeys.lidRef(keys, tenant, lid), messageKey));
        } else {
            conversation(w, tenant, address, extra, m.messageId(), time, Previews.of(m.content()), null);
        }
    }

    private void statusUpdate(RedisWrites w, MessageStatusUpdate u, Instant recordTime) {
        String at = Timestamps.iso(timeOf(u.timestamp(), recordTime));
        Fields move = Fields.of().put("errorCode", u.errorCode()).put("errorTitle", u.errorTitle());
        if (u.providerMessageId() == null) {
            if (u.messageId() != null) {
                w.status(keys.message(u.messageId()), u.status(), at, Fields.of(), Fields.of(), move);
                w.expire(keys.message(u.messageId()), ttl);
            }
            return;
        }
        String tenant = u.tenantId();
        String holderId = ReceiptHolders.holderId(tenant, u.providerMessageId());
        String phone = PhoneNumbers.isConversationPhone(u.recipient()) ? u.recipient() : null;
        Fields nx = Fields.of()
                .put("tenantId", tenant)
                .put("direction", "outbound")
                .put("phone", phone)
                .put("conversationId", phone == null ? null : RedisKeys.conversationId(tenant, phone))
                .put("providerMessageId", u.providerMessageId())
                .put("provider", u.provider() == null ? null : u.provider().wireName())
                .put("endpointId", u.endpointId());
        // The provider id's msgref comes first; the gateway's id a receipt may carry (Cloud API
        // biz_opaque_callback_data) finds the message when the send result never named the provider id.
        String messageId = u.messageId() != null && Ids.isValidGeneratedId(u.messageId()) ? u.messageId() : null;
        w.receipt(keys.providerMessageRef(tenant, u.providerMessageId()), keys.message(""),
                keys.message(holderId), holderId, tenant, messageId,
                messageId == null ? null : keys.message(messageId), u.status(), at, Fields.of(), nx, move, ttl);
    }

    // --- outbound messages ---

    private Plan sendCommand(String key, byte[] value, Instant recordTime) {
        if (value == null) {
            return Plan.skip("tombstone on the send-commands topic");
        }
        Decoded<SendCommand> d = decode(topics.sendCommands(), value);
        if (d instanceof Decoded.Bad<SendCommand> bad) {
            return Plan.skip(bad.reason());
        }
        SendCommand c = ((Decoded.Ok<SendCommand>) d).value();
        if (!Ids.isValidTenantId(c.tenantId())) {
            return Plan.skip("invalid tenant id");
        }
        String phone = PhoneNumbers.conversationPhone(c.to());
        Instant requested = timeOf(c.requestedAt(), recordTime);
        String at = Timestamps.iso(requested);
        String messageKey = keys.message(c.messageId());
        RedisWrites w = new RedisWrites();
        w.hset(messageKey, Fields.of()
                .put("id", c.messageId())
                .put("tenantId", c.tenantId())
                .put("conversationId", phone == null ? null : RedisKeys.conversationId(c.tenantId(), phone))
                .put("direction", "outbound")
                .put("phone", phone != null ? phone : c.to())
                .put("type", c.message().kind())
                .put("content", contentJson(c.message()))
                .put("timestamp", at));
        w.hsetIfAbsent(messageKey, Fields.of().put("endpointId", c.endpointId()));
        w.status(messageKey, MessageStatus.PENDING, at, Fields.of(), Fields.of(), Fields.of());
        w.expire(messageKey, ttl);
        if (phone != null) {
            conversation(w, c.tenantId(), phone, Fields.of(), c.messageId(), requested, Previews.of(c.message()));
        }
        return Plan.of(w, c.tenantId());
    }

    private Plan sendResult(String key, byte[] value, Instant recordTime) {
        if (value == null) {
            return Plan.skip("tombstone on the send-results topic");
        }
        Decoded<SendResult> d = decode(topics.sendResults(), value);
        if (d instanceof Decoded.Bad<SendResult> bad) {
            return Plan.skip(bad.reason());
        }
        SendResult r = ((Decoded.Ok<SendResult>) d).value();
        if (!Ids.isValidTenantId(r.tenantId())) {
            return Plan.skip("invalid tenant id");
        }
        String tenant = r.tenantId();
        String at = Timestamps.iso(timeOf(r.completedAt(), recordTime));
        String messageKey = keys.message(r.messageId());
        String phone = PhoneNumbers.conversationPhone(r.to());
        Fields nx = Fields.of()
                .put("id", r.messageId())
                .put("tenantId", tenant)
                .put("direction", "outbound")
                .put("phone", phone != null ? phone : r.to())
                .put("conversationId", phone == null ? null : RedisKeys.conversationId(tenant, phone));
        Fields set = Fields.of()
                .put("endpointId", r.endpointId())
                .put("provider", r.provider() == null ? null : r.provider().wireName())
                .put("providerMessageId", r.providerMessageId());
        RedisWrites w = new RedisWrites();
        if (r.outcome() == SendResult.Outcome.SENT) {
            w.status(messageKey, MessageStatus.SENT, at, set, nx, Fields.of());
            if (r.providerMessageId() != null) {
                String holder = keys.message(ReceiptHolders.holderId(tenant, r.providerMessageId()));
                w.adopt(keys.providerMessageRef(tenant, r.providerMessageId()), r.messageId(), messageKey, holder, ttl);
            }
        } else {
            Fields move = Fields.of().put("errorCode", r.errorCode()).put("errorTitle", r.reason());
            w.status(messageKey, MessageStatus.FAILED, at, set, nx, move);
        }
        w.expire(messageKey, ttl);
        return Plan.of(w, tenant);
    }

    // --- compacted state ---

    private Plan tenantConfig(String tenantId, byte[] value, Instant recordTime) {
        if (!Ids.isValidTenantId(tenantId)) {
            return Plan.skip("invalid tenant id key");
        }
        if (value == null) {
            return Plan.of(new RedisWrites().del(keys.config(tenantId)), tenantId);
        }
        Decoded<TenantConfiguration> d = decode(topics.tenantConfig(), value);
        if (d instanceof Decoded.Bad<TenantConfiguration> bad) {
            return Plan.skip(bad.reason());
        }
        if (!tenantId.equals(((Decoded.Ok<TenantConfiguration>) d).value().tenantId())) {
            return Plan.skip("key and tenantId differ");
        }
        return Plan.of(new RedisWrites().set(keys.config(tenantId), new String(value, StandardCharsets.UTF_8)),
                tenantId);
    }

    private Plan endpoint(String endpointId, byte[] value, Instant recordTime) {
        if (!Ids.isValidGeneratedId(endpointId)) {
            return Plan.skip("invalid endpoint id key");
        }
        String ownerPrefix = keys.tenantEndpoints("\u0000");
        if (value == null) {
            return Plan.of(new RedisWrites().deleteOwned(keys.endpoint(endpointId), prefixOf(ownerPrefix),
                    suffixOf(ownerPrefix), endpointId));
        }
        Decoded<Endpoint> d = decode(topics.endpoints(), value);
        if (d instanceof Decoded.Bad<Endpoint> bad) {
            return Plan.skip(bad.reason());
        }
        Endpoint e = ((Decoded.Ok<Endpoint>) d).value();
        if (!endpointId.equals(e.id()) || !Ids.isValidTenantId(e.tenantId())) {
            return Plan.skip("key and id differ, or invalid tenant id");
        }
        return Plan.of(new RedisWrites()
                .set(keys.endpoint(endpointId), endpointView.jsonString(e))
                .sadd(keys.tenantEndpoints(e.tenantId()), endpointId), e.tenantId());
    }

    private Plan health(String endpointId, byte[] value, Instant recordTime) {
        if (!Ids.isValidGeneratedId(endpointId)) {
            return Plan.skip("invalid endpoint id key");
        }
        if (value == null) {
            return Plan.of(new RedisWrites().del(keys.health(endpointId)));
        }
        Decoded<EndpointHealth> d = decode(topics.endpointHealth(), value);
        if (d instanceof Decoded.Bad<EndpointHealth> bad) {
            return Plan.skip(bad.reason());
        }
        String tenant = ((Decoded.Ok<EndpointHealth>) d).value().tenantId();
        return Plan.of(new RedisWrites().set(keys.health(endpointId), new String(value, StandardCharsets.UTF_8)),
                Ids.isValidTenantId(tenant) ? tenant : null);
    }

    private Plan device(String deviceId, byte[] value, Instant recordTime) {
        if (!Ids.isValidGeneratedId(deviceId)) {
            return Plan.skip("invalid device id key");
        }
        String ownerPrefix = keys.tenantDevices("\u0000");
        if (value == null) {
            // A deleted device's session goes with it, whoever tombstones the session later.
            return Plan.of(new RedisWrites().deleteOwned(keys.device(deviceId), prefixOf(ownerPrefix),
                    suffixOf(ownerPrefix), deviceId).del(keys.session(deviceId)));
        }
        Decoded<Device> d = decode(topics.devices(), value);
        if (d instanceof Decoded.Bad<Device> bad) {
            return Plan.skip(bad.reason());
        }
        Device device = ((Decoded.Ok<Device>) d).value();
        if (!deviceId.equals(device.id()) || !Ids.isValidTenantId(device.tenantId())) {
            return Plan.skip("key and id differ, or invalid tenant id");
        }
        return Plan.of(new RedisWrites()
                .set(keys.device(deviceId), new String(value, StandardCharsets.UTF_8))
                .sadd(keys.tenantDevices(device.tenantId()), deviceId), device.tenantId());
    }

    private Plan session(String deviceId, byte[] value, Instant recordTime) {
        if (!Ids.isValidGeneratedId(deviceId)) {
            return Plan.skip("invalid device id key");
        }
        if (value == null) {
            return Plan.of(new RedisWrites().del(keys.session(deviceId)));
        }
        Decoded<DeviceSession> d = decode(topics.deviceSessions(), value);
        if (d instanceof Decoded.Bad<DeviceSession> bad) {
            return Plan.skip(bad.reason());
        }
        DeviceSession session = ((Decoded.Ok<DeviceSession>) d).value();
        if (!deviceId.equals(session.deviceId())) {
            return Plan.skip("key and deviceId differ");
        }
        // The sealed token as it is: the projector has no business opening a session.
        return Plan.of(new RedisWrites().set(keys.session(deviceId), session.data().token()),
                Ids.isValidTenantId(session.tenantId()) ? session.tenantId() : null);
    }

    // --- management outcomes ---

    private Plan outcome(String commandId, byte[] value, Instant recordTime) {
        if (!CommandKeys.isCommandId(commandId)) {
            return Plan.skip("invalid command id key");
        }
        if (value == null) {
            return Plan.skip("tombstone on the outcomes topic");
        }
        Decoded<CommandOutcome> d = decode(topics.managementOutcomes(), value);
        if (d instanceof Decoded.Bad<CommandOutcome> bad) {
            return Plan.skip(bad.reason());
        }
        CommandOutcome o = ((Decoded.Ok<CommandOutcome>) d).value();
        if (!commandId.equals(o.commandId())) {
            return Plan.skip("key and commandId differ");
        }
        return Plan.of(new RedisWrites().set(CommandKeys.command(keys, commandId),
                new String(value, StandardCharsets.UTF_8), CommandKeys.TTL),
                Ids.isValidTenantId(o.tenantId()) ? o.tenantId() : null);
    }

    // --- shared ---

    /** Where a LID-only message goes once its LID is linked: see {@link RedisWrites#lidConversation}. */
    private record LidRedirect(String lidRefKey, String messageKey) {
    }

    private void conversation(RedisWrites w, String tenant, String address, Fields extra, String messageId,
                              Instant at, String preview) {
        conversation(w, tenant, address, extra, messageId, at, preview, null);
    }

    private void conversation(RedisWrites w, String tenant, String address, Fields extra, String messageId,
                              Instant at, String preview, LidRedirect redirect) {
        String conversationId = RedisKeys.conversationId(tenant, address);
        Fields identity = identity(tenant, address);
        extra.asMap().forEach(identity::put);
        String conversationKey = keys.conversation(tenant, address);
        String messagesKey = keys.messages(conversationId);
        if (redirect == null) {
            w.conversation(conversationKey, messagesKey, keys.tenantConversations(tenant), conversationId, identity,
                    messageId, Timestamps.iso(at), at.toEpochMilli(), preview, ttl, at.minus(ttl).toEpochMilli());
        } else {
            w.lidConversation(conversationKey, messagesKey, keys.tenantConversations(tenant), conversationId,
                    identity, messageId, Timestamps.iso(at), at.toEpochMilli(), preview, ttl,
                    at.minus(ttl).toEpochMilli(), redirect.lidRefKey(), tenant,
                    prefixOf(conversationKey, conversationId), prefixOf(messagesKey, conversationId),
                    redirect.messageKey());
        }
    }

    /** id and tenantId, and who the conversation is with: phone, groupId, or lid. */
    private static Fields identity(String tenant, String address) {
        Fields identity = Fields.of().put("id", RedisKeys.conversationId(tenant, address)).put("tenantId", tenant);
        if (ConversationAddress.isGroup(address)) {
            identity.put("groupId", address);
        } else if (ConversationAddress.lidOf(address) != null) {
            identity.put("lid", ConversationAddress.lidOf(address));
        } else {
            identity.put("phone", address);
        }
        return identity;
    }

    /** The part of a key before the given id, e.g. "whatsapp:conversation:" of "whatsapp:conversation:t:+1". */
    private static String prefixOf(String key, String id) {
        if (!key.endsWith(id)) {
            throw new IllegalStateException("key does not end with its id");
        }
        return key.substring(0, key.length() - id.length());
    }

    private static String contentJson(MessageContent content) {
        try {
            return CONTENT.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode message content", e);
        }
    }

    /** The data's own time, else the Kafka record's: never the wall clock, so a replay computes the same. */
    private static Instant timeOf(Instant t, Instant recordTime) {
        return t != null ? t : recordTime;
    }

    @SuppressWarnings("unchecked")
    private static <V> Decoded<V> decode(Topic<String, V> topic, byte[] value) {
        return ((JsonSerde<V>) topic.valueSerde()).decode(value);
    }

    private static String prefixOf(String keyWithMarker) {
        return keyWithMarker.substring(0, keyWithMarker.indexOf('\u0000'));
    }

    private static String suffixOf(String keyWithMarker) {
        return keyWithMarker.substring(keyWithMarker.indexOf('\u0000') + 1);
    }
}
