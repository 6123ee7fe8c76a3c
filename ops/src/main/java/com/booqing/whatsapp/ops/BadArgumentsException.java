package com.booqing.whatsapp.ops;

/**
 * The arguments (or the configuration they are read with) make no sense: the tool refuses before it reads or writes
 * anything and exits with 2. The message says what is wrong and, where it helps, what to do instead.
 */
public final class BadArgumentsException extends RuntimeException {
    public BadArgumentsException(String message) {
        super(message);
    }
}
