package com.booqing.whatsapp.ingress.message;

import com.booqing.whatsapp.common.message.CommandFingerprint;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.ingress.http.ApiException;
import com.booqing.whatsapp.ingress.http.ThrottledLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * An early, best-effort answer to a reused idempotency key, read from the sender's record
 * ({@code {namespace}:idem:{tenantId}:{key}}, JSON with {@code bodyHash} and, once sent, {@code result}). The
 * sender stays the authority: two different bodies arriving at once both pass here and the sender's SET NX refuses
 * the second with a FAILED {@code idempotency_conflict} result. When the record cannot be read (Redis away, a
 * recipient the sender will refuse anyway) the command goes on unchecked.
 */
public final class IdempotencyPrecheck {
    static final String CONFLICT = "idempotency_conflict";

    private final JedisPooled redis;
    private final RedisKeys keys;
    private final ObjectMapper mapper;
    private final RecipientNumbers numbers = new RecipientNumbers();
    private final ThrottledLog unavailable =
            new ThrottledLog(LoggerFactory.getLogger(IdempotencyPrecheck.class), Duration.ofMinutes(1));

    public IdempotencyPrecheck(JedisPooled redis, RedisKeys keys, ObjectMapper mapper) {
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
    }

    /**
     * @return the message id of the earlier send when the record holds its result (a retry), otherwise empty
     * @throws ApiException 422 {@value #CONFLICT} when the key was used for a different command
     */
    Optional<String> check(SendCommand command) {
        Optional<String> e164 = numbers.toE164(command.to());
        if (e164.isEmpty()) {
            return Optional.empty();
        }
        String stored;
        try {
            stored = redis.get(keys.idempotency(command.tenantId(), command.idempotencyKey()));
        } catch (JedisException e) {
            unavailable.warn("idempotency record unreadable, the sender will check the key: {}", e.getMessage());
            return Optional.empty();
        }
        if (stored == null) {
            return Optional.empty();
        }
        String hash = CommandFingerprint.of(command.tenantId(), e164.get(), command.deviceId(),
                command.endpointId(), command.message());
        JsonNode entry = parse(stored);
        // An unreadable record counts as a conflict, as it does in the sender.
        if (entry == null || !hash.equals(entry.path("bodyHash").textValue())) {
            throw new ApiException(422, CONFLICT,
                    "idempotency key '" + command.idempotencyKey() + "' was used for a different message");
        }
        return Optional.ofNullable(entry.path("result").path("messageId").textValue());
    }

    private JsonNode parse(String json) {
        try {
            JsonNode node = mapper.readTree(json);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }
}
