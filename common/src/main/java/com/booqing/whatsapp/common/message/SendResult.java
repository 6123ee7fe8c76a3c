package com.booqing.whatsapp.common.message;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.Objects;

/**
 * How one send command ended; exactly one per command, on the send-results topic (key: tenant:recipient).
 *
 * @param endpointId        the endpoint that sent it (or last tried)
 * @param providerMessageId the provider's id of the sent message, used to join later receipts
 * @param errorCode         the provider's code on failure
 * @param attempts          provider calls made
 */
public record SendResult(
        String messageId,
        String tenantId,
        String idempotencyKey,
        String to,
        Outcome outcome,
        String endpointId,
        ProviderType provider,
        String providerMessageId,
        String errorCode,
        String reason,
        int attempts,
        Instant completedAt) {

    public SendResult {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(outcome, "outcome");
    }

    public enum Outcome {
        SENT, FAILED, DEAD_LETTERED;

        @JsonValue
        public String wireName() {
            return name().toLowerCase().replace('_', '-');
        }

        @JsonCreator
        public static Outcome fromWire(String name) {
            return valueOf(name.toUpperCase().replace('-', '_'));
        }
    }
}
