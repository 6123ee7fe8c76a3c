package com.booqing.whatsapp.common.message;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.EventPayload;

import java.time.Instant;
import java.util.Objects;

/**
 * A message a customer sent to a tenant, in the gateway's model.
 *
 * @param messageId         the gateway's id, unique across tenants ({@code EventIds.inboundMessageId})
 * @param providerMessageId the provider's id (Cloud API wamid, WAHA message id, Evolution key.id)
 * @param phone             the customer's number in E.164, or null when only a LID is known yet
 * @param lid               the customer's WhatsApp LID when the provider gave one
 * @param replyTo           the provider id of the message this one replies to
 */
public record InboundMessage(
        String messageId,
        String providerMessageId,
        String tenantId,
        String endpointId,
        ProviderType provider,
        String phone,
        String lid,
        String contactName,
        Instant timestamp,
        MessageContent content,
        String replyTo) implements EventPayload {

    public InboundMessage {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(content, "content");
    }

    @Override
    public String type() {
        return "message.received";
    }
}
