package com.booqing.whatsapp.health.provider;

/**
 * A provider call that got no usable answer. The message is short and safe to publish: never a secret, never a
 * response body.
 */
public final class ProviderCallException extends RuntimeException {

    /** What kind of failure: health treats a silent provider differently from an unreachable one. */
    public enum Kind {
        /** The connection was refused or could not be made. */
        UNREACHABLE,
        /** Connected, but no answer within the timeout. */
        TIMEOUT,
        /** The provider answered with an error status (see {@link #status()}). */
        HTTP_ERROR,
        /** The answer could not be used (too large, not the expected shape). */
        BAD_ANSWER
    }

    private final Kind kind;
    private final int status;
    private final Long latencyMs;

    public ProviderCallException(String message, Kind kind, int status, Long latencyMs) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.latencyMs = latencyMs;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status for {@link Kind#HTTP_ERROR}, else 0. */
    public int status() {
        return status;
    }

    public Long latencyMs() {
        return latencyMs;
    }
}
