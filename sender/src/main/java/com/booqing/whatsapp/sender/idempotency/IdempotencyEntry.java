package com.booqing.whatsapp.sender.idempotency;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.message.SendResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What is stored under an idempotency key: the body's hash, the claim (owner and lease) and, once known, the
 * result. The JSON text itself is the claim's token: changes are compare-and-set on it.
 *
 * @param owner a random id per claim, so two claims never look alike
 */
record IdempotencyEntry(String bodyHash, String owner, Instant leaseUntil, SendResult result) {
    private static final ObjectMapper MAPPER = Json.lenient();
    private static final String RESULT_FIELD = "\"result\"";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9-]+");

    /**
     * The entry a claim writes, without a result. Written by hand because every command makes one: the same text
     * Jackson writes for it (IdempotencyEntryTest), and every value in it is plain ASCII that needs no escaping
     * (a hex hash, a UUID, an ISO-8601 instant).
     */
    static String claimJson(String bodyHash, String owner, Instant leaseUntil) {
        if (!PLAIN.matcher(bodyHash).matches() || !PLAIN.matcher(owner).matches()) {
            return new IdempotencyEntry(bodyHash, owner, leaseUntil, null).json();
        }
        return "{\"bodyHash\":\"" + bodyHash + "\",\"owner\":\"" + owner + "\",\"leaseUntil\":\"" + leaseUntil
                + "\"}";
    }

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
     * The same text as {@code parse(claimJson).withResult(r).json()} (IdempotencyEntryTest): Jackson leaves a null
     * result out, and writes the components in order, so a claim's JSON ends with its lease, a string.
     */
    static String completed(String claimJson, SendResult r) {
        if (!claimJson.endsWith("\"}") || claimJson.contains(RESULT_FIELD)) {
            return parse(claimJson).orElseThrow(() -> new IllegalArgumentException("not an entry")).withResult(r)
                    .json();
        }
        try {
            return claimJson.substring(0, claimJson.length() - 1) + "," + RESULT_FIELD + ":"
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
