package com.booqing.whatsapp.health;

import com.booqing.whatsapp.health.provider.ProviderCallException;
import com.booqing.whatsapp.health.provider.ProviderHttp;

import java.util.Objects;

/** What one probe of an endpoint found. */
public sealed interface ProbeResult {

    /** The provider's own word for its session state (WORKING, open, CONNECTED), when it gave one; else null. */
    String providerStatus();

    /** The endpoint answered as a working one. */
    record Up(long latencyMs, String providerStatus) implements ProbeResult {
        public Up(long latencyMs) {
            this(latencyMs, null);
        }
    }

    /**
     * The endpoint did not answer, answered with an error, took too long, or said it is not working.
     *
     * @param error short and safe to publish: never a secret, never a response body
     */
    record Down(String error, Long latencyMs, Cause cause, String providerStatus) implements ProbeResult {
        public Down {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(cause, "cause");
        }

        public Down(String error, Long latencyMs) {
            this(error, latencyMs, Cause.OTHER, null);
        }

        /** No answer in time, or a server error: what a session that claims to be connected looks like when dead. */
        public boolean silent() {
            return cause == Cause.TIMEOUT || cause == Cause.SERVER_ERROR;
        }

        public static Down of(ProviderCallException e) {
            Cause cause = switch (e.kind()) {
                case UNREACHABLE -> Cause.UNREACHABLE;
                case TIMEOUT -> Cause.TIMEOUT;
                case HTTP_ERROR -> e.status() >= 500 ? Cause.SERVER_ERROR : Cause.REJECTED;
                case BAD_ANSWER -> Cause.OTHER;
            };
            return new Down(e.getMessage(), e.latencyMs(), cause, null);
        }

        /** A non-2xx answer; {@code rejectedWhat} names the credential a 401/403 rejected. */
        public static Down of(ProviderHttp.Answer a, String rejectedWhat) {
            return of(ProviderHttp.httpError(a, rejectedWhat));
        }
    }

    /** Why a probe failed. */
    enum Cause {
        /** Refused or no connection. */
        UNREACHABLE,
        /** Connected, no answer within the timeout. */
        TIMEOUT,
        /** A 5xx answer. */
        SERVER_ERROR,
        /** A 4xx answer: bad key. */
        REJECTED,
        /** The provider answered that it has no such session (WAHA) or instance (Evolution): 404. */
        SESSION_MISSING,
        /** A proper answer saying the session or number is not working. */
        NOT_WORKING,
        OTHER
    }

    /** There is no probe for this kind of endpoint; its health stays unknown. */
    record NotProbed(String reason) implements ProbeResult {
        public NotProbed {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String providerStatus() {
            return null;
        }
    }
}
