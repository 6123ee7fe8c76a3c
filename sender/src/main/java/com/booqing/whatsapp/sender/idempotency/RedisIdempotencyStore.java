package com.booqing.whatsapp.sender.idempotency;

import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.redis.LuaScript;
import com.booqing.whatsapp.common.redis.RedisKeys;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The idempotency store in Redis: one STRING per key, {@code {namespace}:idem:{tenantId}:{idempotencyKey}}, holding
 * the JSON of an {@link IdempotencyEntry} for {@link #TTL}. A claim is {@code SET NX}; completing, releasing and
 * resolving are compare-and-set scripts on the exact JSON a claim wrote, so a late owner cannot overwrite a newer
 * claim and two callers cannot both win.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {
    public static final Duration TTL = Duration.ofDays(7);
    private static final LuaScript COMPARE_AND_SET = new LuaScript("if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 else return 0 end");
    private static final LuaScript COMPARE_AND_DELETE = new LuaScript("if redis.call('GET', KEYS[1]) == ARGV[1] "
            + "then return redis.call('DEL', KEYS[1]) else return 0 end");
    private static final String TTL_SECONDS = Long.toString(TTL.toSeconds());
    private static final int CLAIM_TRIES = 3;

    private final JedisPooled redis;
    private final RedisKeys keys;

    public RedisIdempotencyStore(JedisPooled redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The key of one tenant's idempotency key. Not in common's RedisKeys yet: built from its namespace. */
    public static String key(RedisKeys keys, String tenantId, String idempotencyKey) {
        return keys.idempotency(tenantId, idempotencyKey);
    }

    @Override
    public Claim claim(String tenantId, String key, String bodyHash, Instant leaseUntil) {
        String redisKey = key(keys, tenantId, key);
        // The owner only has to differ from every other claim's; it is no secret, so no SecureRandom (a lock and a
        // read of /dev/urandom per command).
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String mine = IdempotencyEntry.claimJson(bodyHash, new UUID(random.nextLong(), random.nextLong()).toString(),
                leaseUntil);
        try {
            for (int i = 0; i < CLAIM_TRIES; i++) {
                if ("OK".equals(redis.set(redisKey, mine, SetParams.setParams().nx().ex(TTL.toSeconds())))) {
                    return new Claimed(mine);
                }
                String stored = redis.get(redisKey);
                if (stored == null) {
                    continue; // expired or released between the two calls: claim again
                }
                Optional<IdempotencyEntry> entry = IdempotencyEntry.parse(stored);
                if (entry.isEmpty()) {
                    return new Conflict();
                }
                return entry.get().seenBy(bodyHash, stored);
            }
        } catch (JedisException e) {
            throw new Unavailable("Redis is unavailable for idempotency keys", e);
        }
        throw new Unavailable("idempotency key kept changing while claiming it", null);
    }

    @Override
    public boolean complete(String tenantId, String key, String token, SendResult result) {
        return compareAndSet(tenantId, key, token, IdempotencyEntry.completed(token, result));
    }

    @Override
    public void release(String tenantId, String key, String token) {
        try {
            COMPARE_AND_DELETE.run(redis, List.of(key(keys, tenantId, key)), List.of(token));
        } catch (JedisException e) {
            throw new Unavailable("Redis is unavailable for idempotency keys", e);
        }
    }

    @Override
    public boolean resolve(String tenantId, String key, String observed, SendResult result) {
        return compareAndSet(tenantId, key, observed, IdempotencyEntry.completed(observed, result));
    }

    private boolean compareAndSet(String tenantId, String key, String expected, String value) {
        try {
            Object updated = COMPARE_AND_SET.run(redis, List.of(key(keys, tenantId, key)),
                    List.of(expected, value, TTL_SECONDS));
            return Long.valueOf(1).equals(updated);
        } catch (JedisException e) {
            throw new Unavailable("Redis is unavailable for idempotency keys", e);
        }
    }
}
