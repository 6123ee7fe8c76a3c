package com.booqing.whatsapp.sender.idempotency;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.message.SendResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.Optional;

/**
 * What is stored under an idempotency key: the body's hash, the claim (owner and lease) and, once known, the
 * result. The JSON text itself is the claim's token: changes are compare-and-set on it.
 *
 * @param owner a random id per claim, so two claims never look alike
 */
record IdempotencyEntry(String bodyHash, String owner, Instant leaseUntil, SendResult result) {
    private static final ObjectMapper MAPPER = Json.lenient();

    String json() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("idempotency entry cannot be encoded", e);
        }
    }

    IdempotencyEntry withResult(SendResult r) {
        return new IdempotencyEntry(bodyHash, owner, leaseUntil, r);
    }

    static Optional<IdempotencyEntry> parse(String json) {
        try {
            return Optional.ofNullable(MAPPER.readValue(json, IdempotencyEntry.class));
        } catch (JsonProcessingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** How a claim attempt that found this entry ends. */
    IdempotencyStore.Claim seenBy(String otherBodyHash, String storedJson) {
        if (!bodyHash.equals(otherBodyHash)) {
            return new IdempotencyStore.Conflict();
        }
        if (result != null) {
            return new IdempotencyStore.Completed(bodyHash, result);
        }
        return new IdempotencyStore.InFlight(leaseUntil, storedJson);
    }
}
