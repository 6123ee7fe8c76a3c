package com.booqing.whatsapp.sender.testing;

import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.sender.idempotency.IdempotencyStore;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The idempotency store's contract in memory, for tests that are not about Redis. */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
    private record Entry(String token, String hash, Instant leaseUntil, SendResult result) {
    }

    private final Map<String, Entry> entries = new HashMap<>();

    @Override
    public synchronized Claim claim(String tenantId, String key, String bodyHash, Instant leaseUntil) {
        Entry e = entries.get(tenantId + ":" + key);
        if (e == null) {
            String token = UUID.randomUUID().toString();
            entries.put(tenantId + ":" + key, new Entry(token, bodyHash, leaseUntil, null));
            return new Claimed(token);
        }
        if (!e.hash().equals(bodyHash)) {
            return new Conflict();
        }
        return e.result() != null ? new Completed(e.hash(), e.result()) : new InFlight(e.leaseUntil(), e.token());
    }

    @Override
    public synchronized boolean complete(String tenantId, String key, String token, SendResult result) {
        return resolve(tenantId, key, token, result);
    }

    @Override
    public synchronized void release(String tenantId, String key, String token) {
        Entry e = entries.get(tenantId + ":" + key);
        if (e != null && e.token().equals(token)) {
            entries.remove(tenantId + ":" + key);
        }
    }

    @Override
    public synchronized boolean resolve(String tenantId, String key, String observed, SendResult result) {
        Entry e = entries.get(tenantId + ":" + key);
        if (e == null || !e.token().equals(observed)) {
            return false;
        }
        entries.put(tenantId + ":" + key, new Entry(UUID.randomUUID().toString(), e.hash(), e.leaseUntil(), result));
        return true;
    }

    /** Leaves a claim without a result, as a crashed instance would. */
    public synchronized void abandonedClaim(String tenantId, String key, String bodyHash, Instant leaseUntil) {
        entries.put(tenantId + ":" + key, new Entry(UUID.randomUUID().toString(), bodyHash, leaseUntil, null));
    }

    public synchronized boolean has(String tenantId, String key) {
        return entries.containsKey(tenantId + ":" + key);
    }
}
