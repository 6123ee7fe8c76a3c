package com.booqing.whatsapp.ops;

/** The work was started and did not succeed (broker or Redis away, a wait ran out): exit 1 with the message. */
public final class OperationFailedException extends RuntimeException {
    public OperationFailedException(String message) {
        super(message);
    }

    public OperationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
