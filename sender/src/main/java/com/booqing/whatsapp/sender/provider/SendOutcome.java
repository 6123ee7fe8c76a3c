package com.booqing.whatsapp.sender.provider;

import java.time.Duration;
import java.util.Objects;

/**
 * What one provider call achieved. The distinction between {@link Failed#certainlyNotSent()} and
 * {@link Ambiguous} is what makes failover safe: only a message that certainly did not leave may be tried on
 * another endpoint without risking a duplicate.
 */
public sealed interface SendOutcome {

    /**
     * The provider accepted the message.
     *
     * @param providerMessageId its id (a wamid for the Cloud API); null only when the provider's answer carries
     *                          none for this kind (a WAHA reaction), never for an answer that should have had one
     */
    record Sent(String providerMessageId) implements SendOutcome {
    }

    /** Whose fault a failure is; it decides failover, retries and the endpoint's circuit breaker. */
    enum Cause {
        /** The message or recipient is wrong; another endpoint would answer the same. */
        REQUEST,
        /** Too many messages to this one recipient (Cloud API 131056): only this recipient waits. */
        RECIPIENT_RATE,
        /** The endpoint throttles us (429, 130429): another endpoint may take it, the endpoint is not broken. */
        ENDPOINT_RATE,
        /** The endpoint is unreachable, failing or misconfigured: counts against its circuit breaker. */
        ENDPOINT
    }

    /**
     * The provider refused the message or could not be reached.
     *
     * @param code             the provider's error code, or a gateway code such as {@code connection_refused}
     * @param reason           short and safe to log: never a secret, never a whole response body
     * @param cause            whose fault it is
     * @param retryable        a later attempt on the same endpoint may succeed; false = permanent there
     * @param certainlyNotSent the request never reached the provider or was rejected before processing
     * @param retryAfter       the provider's Retry-After, when it gave one; null otherwise
     */
    record Failed(String code, String reason, Cause cause, boolean retryable, boolean certainlyNotSent,
                  Duration retryAfter) implements SendOutcome {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(cause, "cause");
        }

        /** The request itself is wrong (invalid parameter, recipient not on WhatsApp): no retry, no failover. */
        public static Failed permanent(String code, String reason) {
            return new Failed(code, reason, Cause.REQUEST, false, true, null);
        }

        /** The endpoint failed in a way that may pass (network, 5xx, session not ready). */
        public static Failed retryable(String code, String reason, boolean certainlyNotSent, Duration retryAfter) {
            return new Failed(code, reason, Cause.ENDPOINT, true, certainlyNotSent, retryAfter);
        }

        /** The endpoint refused to work for us (bad credentials, unknown session or instance): another may. */
        public static Failed endpointRejected(String code, String reason) {
            return new Failed(code, reason, Cause.ENDPOINT, false, true, null);
        }

        /** The endpoint's own throughput limit. */
        public static Failed rateLimited(String code, String reason, Duration retryAfter) {
            return new Failed(code, reason, Cause.ENDPOINT_RATE, true, true, retryAfter);
        }

        /** The pair rate limit of one sender and one recipient. */
        public static Failed recipientRateLimited(String code, String reason, Duration retryAfter) {
            return new Failed(code, reason, Cause.RECIPIENT_RATE, true, true, retryAfter);
        }

        /** Another endpoint may be tried right away: the message did not leave, and it was not its own fault. */
        public boolean allowsFailover() {
            return certainlyNotSent && (cause == Cause.ENDPOINT || cause == Cause.ENDPOINT_RATE);
        }
    }

    /** The request was sent but no usable answer came (timeout, reset): the message may or may not exist. */
    record Ambiguous(String reason) implements SendOutcome {
        public Ambiguous {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
