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
    /** How the JSON of an entry without a result ends: Jackson writes record components in order, nulls too. */
    private static final String NO_RESULT = ",\"result\":null}";

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

    /**
     * The JSON of {@code claimJson}'s entry with {@code r} as its result, without reading the claim back: every
     * command's completion does this, and parsing the claim (its times among it) cost more than the Redis call.
     * The same text as {@code parse(claimJson).withResult(r).json()}, since the result is the last component.
     */
    static String completed(String claimJson, SendResult r) {
        if (!claimJson.endsWith(NO_RESULT)) {
            return parse(claimJson).orElseThrow(() -> new IllegalArgumentException("not an entry")).withResult(r)
                    .json();
        }
        try {
            return claimJson.substring(0, claimJson.length() - NO_RESULT.length()) + ",\"result\":"
                    + MAPPER.writeValueAsString(r) + "}";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("idempotency entry cannot be encoded", e);
        }
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
