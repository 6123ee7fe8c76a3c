package com.booqing.whatsapp.sender.provider;

/** A message the provider could never accept as given (a required field missing); sending it again won't help. */
public final class InvalidContentException extends Exception {
    public InvalidContentException(String message) {
        super(message);
    }
}
