package com.booqing.whatsapp.sender.provider;

import java.time.Duration;
import java.util.Objects;

/**
 * What one provider call achieved. The distinction between {@link Failed#certainlyNotSent()} and
 * {@link Ambiguous} is what makes failover safe: only a message that certainly did not leave may be tried on
 * another endpoint without risking a duplicate.
 */
public sealed interface SendOutcome {

    /** The provider accepted the message and gave it this id (a wamid for the Cloud API). */
    record Sent(String providerMessageId) implements SendOutcome {
        public Sent {
            Objects.requireNonNull(providerMessageId, "providerMessageId");
        }
    }

    /**
     * The provider refused the message or could not be reached.
     *
     * @param code             the provider's error code, or a gateway code such as {@code connection_refused}
     * @param reason           short and safe to log: never a secret, never a whole response body
     * @param retryable        a later attempt may succeed (rate limit, 5xx, network); false = permanent
     * @param certainlyNotSent the request never reached the provider or was rejected before processing
     * @param retryAfter       the provider's Retry-After, when it gave one; null otherwise
     */
    record Failed(String code, String reason, boolean retryable, boolean certainlyNotSent, Duration retryAfter)
            implements SendOutcome {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }

        public static Failed permanent(String code, String reason) {
            return new Failed(code, reason, false, true, null);
        }

        public static Failed retryable(String code, String reason, boolean certainlyNotSent, Duration retryAfter) {
            return new Failed(code, reason, true, certainlyNotSent, retryAfter);
        }
    }

    /** The request was sent but no answer came (timeout, connection reset): the message may or may not exist. */
    record Ambiguous(String reason) implements SendOutcome {
        public Ambiguous {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
