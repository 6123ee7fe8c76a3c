package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.message.MessageStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Redis writes one Kafka record causes, computed in Java and applied by {@code project.lua} in one atomic,
 * offset-fenced script call. Keys are passed to the script as KEYS (KEYS[1] is the offset key, added by
 * {@link ProjectionScript}); every op value is a string so that Lua never turns an id or a timestamp into a
 * float. Field lists are [name, value, ...] with null values left out.
 */
public final class RedisWrites {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, Integer> keyIndex = new LinkedHashMap<>();
    private final ArrayNode ops = NODES.arrayNode();

    /** Nothing to write; applying it still records the offset. */
    public static RedisWrites none() {
        return new RedisWrites();
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** Data keys in KEYS order, starting at KEYS[2]. */
    public List<String> keys() {
        return Collections.unmodifiableList(new ArrayList<>(keyIndex.keySet()));
    }

    public String opsJson(ObjectMapper mapper) {
        try {
            return mapper.writeValueAsString(ops);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode Redis writes", e);
        }
    }

    /** For tests and logs: the ops as built. */
    public ArrayNode ops() {
        return ops.deepCopy();
    }

    public RedisWrites hset(String key, Fields fields) {
        if (!fields.isEmpty()) {
            op("hset", key).set("f", fields.toJson());
        }
        return this;
    }

    public RedisWrites hsetIfAbsent(String key, Fields fields) {
        if (!fields.isEmpty()) {
            op("hsetnx", key).set("f", fields.toJson());
        }
        return this;
    }

    public RedisWrites expire(String key, Duration ttl) {
        op("expire", key).put("ttl", seconds(ttl));
        return this;
    }

    public RedisWrites set(String key, String value) {
        op("set", key).put("v", value);
        return this;
    }

    public RedisWrites set(String key, String value, Duration ttl) {
        op("set", key).put("v", value).put("ttl", seconds(ttl));
        return this;
    }

    public RedisWrites del(String key) {
        op("del", key);
        return this;
    }

    public RedisWrites sadd(String key, String member) {
        op("sadd", key).put("m", member);
        return this;
    }

    /** LPUSH then LTRIM to the newest {@code max} entries. */
    public RedisWrites pushBounded(String key, String value, int max) {
        op("push", key).put("v", value).put("max", Integer.toString(max));
        return this;
    }

    /**
     * Moves the message hash at {@code key} to {@code status} if {@link MessageStatus#canMoveTo} allows it
     * (decided in the script from the stored status), and records the status in its history.
     *
     * @param set  written whatever the status does
     * @param nx   written only where the field is absent
     * @param move written only when the status moves
     */
    public RedisWrites status(String key, MessageStatus status, String at, Fields set, Fields nx, Fields move) {
        ObjectNode op = op("status", key);
        statusFields(op, status, at, set, nx, move);
        return this;
    }

    /**
     * A receipt for a provider message id: applied to the message the msgref key points at, or, while there is
     * no mapping yet, to the holder message, which {@link #adopt} merges once the send result arrives.
     * A receipt that also names the gateway's message id ({@code messageId}, else null) needs no mapping: the
     * message at {@code messageKey} takes it if it is {@code tenantId}'s, the mapping is written then, and
     * receipts held for the provider id are merged into it.
     */
    public RedisWrites receipt(String msgrefKey, String messageKeyPrefix, String holderKey, String holderId,
                               String tenantId, String messageId, String messageKey, MessageStatus status, String at,
                               Fields set, Fields nx, Fields move, Duration ttl) {
        ObjectNode op = NODES.objectNode().put("op", "receipt");
        op.put("ref", index(msgrefKey));
        op.put("holder", index(holderKey));
        op.put("prefix", messageKeyPrefix).put("holderId", holderId).put("ttl", seconds(ttl));
        if (messageId != null) {
            op.put("mk", index(messageKey));
            op.put("mid", messageId).put("tenant", tenantId);
        }
        statusFields(op, status, at, set, nx, move);
        ops.add(op);
        return this;
    }

    /** Writes the msgref mapping and merges receipts that arrived before it from the holder into the message. */
    public RedisWrites adopt(String msgrefKey, String messageId, String messageKey, String holderKey, Duration ttl) {
        ObjectNode op = NODES.objectNode().put("op", "adopt");
        op.put("ref", index(msgrefKey));
        op.put("target", index(messageKey));
        op.put("holder", index(holderKey));
        op.put("id", messageId).put("ttl", seconds(ttl));
        ops.add(op);
        return this;
    }

    /**
     * Adds a message to a conversation: identity fields, last message (only if not older than the current
     * one), the message in the conversation's sorted set, messageCount = its size, and the conversation in the
     * tenant's list scored by last activity (entries older than {@code cutoffMs} are pruned).
     */
    public RedisWrites conversation(String conversationKey, String messagesKey, String tenantListKey,
                                    String conversationId, Fields identity, String messageId, String at,
                                    long scoreMs, String preview, Duration ttl, long cutoffMs) {
        ObjectNode op = NODES.objectNode().put("op", "conv");
        op.put("k", index(conversationKey));
        op.put("msgs", index(messagesKey));
        op.put("list", index(tenantListKey));
        op.put("convId", conversationId).put("messageId", messageId).put("at", at)
                .put("score", Long.toString(scoreMs)).put("preview", preview == null ? "" : preview)
                .put("ttl", seconds(ttl)).put("cutoff", Long.toString(cutoffMs));
        op.set("f", identity.toJson());
        ops.add(op);
        return this;
    }

    /**
     * Like {@link #conversation}, for a customer known only by LID: when {@code lidRefKey} (written by
     * {@link #link}) already names the LID's phone, the message goes to the phone's conversation instead, whose
     * keys the script derives from the prefixes, and the message hash at {@code messageKey} is re-pointed there.
     * This keeps a LID-only message that the projector reads after its LID was linked (it may sit on another
     * partition of the events topic) from opening a conversation nobody merges any more.
     */
    public RedisWrites lidConversation(String conversationKey, String messagesKey, String tenantListKey,
                                       String conversationId, Fields identity, String messageId, String at,
                                       long scoreMs, String preview, Duration ttl, long cutoffMs, String lidRefKey,
                                       String tenantId, String conversationKeyPrefix, String messagesKeyPrefix,
                                       String messageKey) {
        conversation(conversationKey, messagesKey, tenantListKey, conversationId, identity, messageId, at, scoreMs,
                preview, ttl, cutoffMs);
        ObjectNode op = (ObjectNode) ops.get(ops.size() - 1);
        op.put("lidref", index(lidRefKey));
        op.put("mk", index(messageKey));
        op.put("tenant", tenantId).put("convPrefix", conversationKeyPrefix).put("msgsPrefix", messagesKeyPrefix);
        return this;
    }

    /**
     * Records that a tenant's LID is a phone ({@code lidRefKey} -> phone, with the TTL) and merges the LID-only
     * conversation, if there is one, into the phone's: its messages join the phone's sorted set and are
     * re-pointed ({@code messageKeyPrefix + id}), its last message wins if newer, it leaves the tenant's list and
     * is deleted. Applying it again finds nothing left to merge.
     */
    public RedisWrites link(String lidRefKey, String phone, String fromConversationKey, String fromMessagesKey,
                            String fromConversationId, String toConversationKey, String toMessagesKey,
                            String toConversationId, String tenantListKey, String messageKeyPrefix, Fields identity,
                            Duration ttl) {
        ObjectNode op = NODES.objectNode().put("op", "link");
        op.put("ref", index(lidRefKey));
        op.put("fromConv", index(fromConversationKey));
        op.put("fromMsgs", index(fromMessagesKey));
        op.put("toConv", index(toConversationKey));
        op.put("toMsgs", index(toMessagesKey));
        op.put("list", index(tenantListKey));
        op.put("phone", phone).put("fromId", fromConversationId).put("toId", toConversationId)
                .put("prefix", messageKeyPrefix).put("ttl", seconds(ttl));
        op.set("f", identity.toJson());
        ops.add(op);
        return this;
    }

    /** Deletes a JSON value and removes {@code member} from {@code setPrefix + value.tenantId + setSuffix}. */
    public RedisWrites deleteOwned(String key, String setPrefix, String setSuffix, String member) {
        op("delOwned", key).put("setPrefix", setPrefix).put("setSuffix", setSuffix).put("m", member);
        return this;
    }

    private void statusFields(ObjectNode op, MessageStatus status, String at, Fields set, Fields nx, Fields move) {
        op.put("status", status.wireName()).put("at", at);
        op.set("set", set.toJson());
        op.set("nx", nx.toJson());
        op.set("move", move.toJson());
    }

    private ObjectNode op(String kind, String key) {
        ObjectNode op = NODES.objectNode().put("op", kind).put("k", index(key));
        ops.add(op);
        return op;
    }

    /** KEYS index in the script: data keys start at 2. */
    private int index(String key) {
        return keyIndex.computeIfAbsent(key, k -> keyIndex.size() + 2);
    }

    private static String seconds(Duration ttl) {
        return Long.toString(Math.max(1, ttl.toSeconds()));
    }

    /** An ordered list of hash fields; null values are skipped. */
    public static final class Fields {
        private final List<String> pairs = new ArrayList<>();

        public static Fields of() {
            return new Fields();
        }

        public Fields put(String name, String value) {
            if (value != null) {
                pairs.add(name);
                pairs.add(value);
            }
            return this;
        }

        public boolean isEmpty() {
            return pairs.isEmpty();
        }

        public Map<String, String> asMap() {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < pairs.size(); i += 2) {
                m.put(pairs.get(i), pairs.get(i + 1));
            }
            return m;
        }

        ArrayNode toJson() {
            ArrayNode a = NODES.arrayNode();
            pairs.forEach(a::add);
            return a;
        }
    }
}
