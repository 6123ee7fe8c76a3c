package com.booqing.whatsapp.common.message;

import java.time.Instant;
import java.util.Objects;

/**
 * A request to send one message, on the send-commands topic (key: {@link #partitionKey()}). Booqing's systems
 * publish it directly or through {@code POST /api/whatsapp/messages/{tenantId}}.
 *
 * @param messageId      the gateway's id; when absent it is derived from tenant and idempotency key
 * @param deviceId       send through this device's endpoint (optional)
 * @param endpointId     send through this endpoint (optional)
 * @param to             the recipient's phone number, E.164 preferred
 * @param idempotencyKey chosen by the caller; the same key twice sends once
 * @param notAfter       give up (dead-letter) if it cannot be sent before this instant (optional)
 */
public record SendCommand(
        String messageId,
        String tenantId,
        String deviceId,
        String endpointId,
        String to,
        MessageContent message,
        String idempotencyKey,
        Instant notAfter,
        Instant requestedAt) {

    public SendCommand {
        Objects.requireNonNull(tenantId, "tenantId is required");
        Objects.requireNonNull(to, "to is required");
        Objects.requireNonNull(message, "message is required");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey is required");
        if (messageId == null) {
            messageId = com.booqing.whatsapp.common.event.EventIds.outboundMessageId(tenantId, idempotencyKey);
        }
    }

    /** Tenant and recipient: all messages to one person go through one partition, in order. */
    public String partitionKey() {
        return partitionKey(tenantId, to);
    }

    public static String partitionKey(String tenantId, String recipient) {
        return tenantId + ":" + recipient;
    }
}
