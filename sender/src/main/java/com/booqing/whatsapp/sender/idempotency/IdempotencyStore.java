package com.booqing.whatsapp.sender.idempotency;

import com.booqing.whatsapp.common.message.SendResult;

import java.time.Instant;

/**
 * Remembers, per tenant and idempotency key, which command body was seen and how it ended, so a command seen twice
 * is sent once. The first to {@link #claim} a key owns it until it {@link #complete}s (or {@link #release}s it
 * when nothing was sent); everyone else sees the stored result, a conflict, or an owner still at work.
 */
public interface IdempotencyStore {

    sealed interface Claim {
    }

    /** This caller owns the key; {@code token} proves it to {@link #complete} and {@link #release}. */
    record Claimed(String token) implements Claim {
    }

    /** The key was used before and its result is known: return it again. */
    record Completed(String bodyHash, SendResult result) implements Claim {
    }

    /** The key was used for a different command body. */
    record Conflict() implements Claim {
    }

    /**
     * Someone claimed the key and has not finished. Until {@code leaseUntil} it may still be working; after it, the
     * owner is gone and the outcome is unknown. {@code observed} identifies that claim for {@link #resolve}.
     */
    record InFlight(Instant leaseUntil, String observed) implements Claim {
    }

    /** The store cannot be reached; the caller waits and tries again, it never sends unguarded. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    Claim claim(String tenantId, String key, String bodyHash, Instant leaseUntil);

    /** Stores the result under a claim this caller holds. @return false when the claim was lost meanwhile */
    boolean complete(String tenantId, String key, String token, SendResult result);

    /** Gives a claim up because nothing was sent, so the next owner may send. */
    void release(String tenantId, String key, String token);

    /** Stores {@code result} for an abandoned claim, unless it changed meanwhile. @return whether it was stored */
    boolean resolve(String tenantId, String key, String observed, SendResult result);
}
