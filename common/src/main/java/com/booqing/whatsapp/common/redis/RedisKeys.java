package com.booqing.whatsapp.common.redis;

import java.util.Objects;

/**
 * The brief's Redis key layout, in one place. The namespace is "whatsapp" in production; tests use their own
 * so that they never touch each other's keys or a developer's data.
 *
 * <pre>
 * whatsapp:config:{tenantId}               tenant configuration
 * whatsapp:device:{deviceId}               device data
 * whatsapp:session:{deviceId}              device session data (sealed)
 * whatsapp:tenant:{tenantId}:devices       set of device ids of a tenant
 * whatsapp:conversation:{tenantId}:{phone} conversation data
 * whatsapp:message:{messageId}             message data
 * whatsapp:messages:{conversationId}       message ids of a conversation, newest first
 * whatsapp:events:{tenantId}               a tenant's recent events (bounded list)
 * whatsapp:events:global                   all tenants' recent events (bounded list)
 * whatsapp:health:{endpointId}             endpoint health
 * </pre>
 * Keys the brief does not list are the gateway's own bookkeeping and are named below each group.
 */
public record RedisKeys(String namespace) {

    public RedisKeys {
        Objects.requireNonNull(namespace, "namespace");
    }

    public static RedisKeys production() {
        return new RedisKeys("whatsapp");
    }

    public String config(String tenantId) {
        return namespace + ":config:" + tenantId;
    }

    public String device(String deviceId) {
        return namespace + ":device:" + deviceId;
    }

    public String session(String deviceId) {
        return namespace + ":session:" + deviceId;
    }

    public String tenantDevices(String tenantId) {
        return namespace + ":tenant:" + tenantId + ":devices";
    }

    /** Conversation ids are {@code tenantId:phone}, so a conversation is always inside its tenant. */
    public static String conversationId(String tenantId, String phone) {
        return tenantId + ":" + phone;
    }

    public String conversation(String tenantId, String phone) {
        return namespace + ":conversation:" + conversationId(tenantId, phone);
    }

    public String message(String messageId) {
        return namespace + ":message:" + messageId;
    }

    public String messages(String conversationId) {
        return namespace + ":messages:" + conversationId;
    }

    public String events(String tenantId) {
        return namespace + ":events:" + tenantId;
    }

    public String eventsGlobal() {
        return namespace + ":events:global";
    }

    public String health(String endpointId) {
        return namespace + ":health:" + endpointId;
    }

    // --- the gateway's own bookkeeping ---

    /** Sorted set of a tenant's conversation ids scored by last activity, for the paged conversation list. */
    public String tenantConversations(String tenantId) {
        return namespace + ":tenant:" + tenantId + ":conversations";
    }

    /** Set of a tenant's endpoint ids. */
    public String tenantEndpoints(String tenantId) {
        return namespace + ":tenant:" + tenantId + ":endpoints";
    }

    /** Endpoint data (secrets masked). */
    public String endpoint(String endpointId) {
        return namespace + ":endpoint:" + endpointId;
    }

    /** Maps a provider's message id to the gateway's message id within a tenant, so receipts find their message. */
    public String providerMessageRef(String tenantId, String providerMessageId) {
        return namespace + ":msgref:" + tenantId + ":" + providerMessageId;
    }

    /** The last applied offset of one partition of a projected topic: what fences repeated or stale writes. */
    public String projectionOffset(String projection, String topic, int partition) {
        return namespace + ":offsets:" + projection + ":" + topic + ":" + partition;
    }

    /** The sender's idempotency record of one send command (body hash, lease, first result). */
    public String idempotency(String tenantId, String idempotencyKey) {
        return namespace + ":idem:" + tenantId + ":" + idempotencyKey;
    }

    /** The outcome of one management command, for clients that got 202 and follow up. */
    public String command(String commandId) {
        return namespace + ":command:" + commandId;
    }

    /** A tenant's WhatsApp LID -> phone link, learnt from payloads that carry both. */
    public String lidMap(String tenantId, String lid) {
        return namespace + ":lidmap:" + tenantId + ":" + lid;
    }

    /** Pattern matching every key of this namespace (for tests that clean up after themselves). */
    public String everything() {
        return namespace + ":*";
    }
}
