package com.booqing.whatsapp.common.message;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.EventPayload;

import java.time.Instant;
import java.util.Objects;

/**
 * A receipt for a message the tenant sent: the provider says it was sent, delivered, read, played or failed.
 *
 * @param errorCode the provider's error code on failure (only the Cloud API gives one)
 * @param messageId the gateway's id when known (sender results, Cloud API biz_opaque_callback_data)
 */
public record MessageStatusUpdate(
        String messageId,
        String providerMessageId,
        String tenantId,
        String endpointId,
        ProviderType provider,
        String recipient,
        MessageStatus status,
        Instant timestamp,
        String errorCode,
        String errorTitle) implements EventPayload {

    public MessageStatusUpdate {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(status, "status");
    }

    @Override
    public String type() {
        return "message.status";
    }
}
