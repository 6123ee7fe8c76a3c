package com.booqing.whatsapp.simulator.provider;

/** Thrown by a provider's handlers to answer with the provider's own error body. */
public class ProviderException extends RuntimeException {

    private final transient ProviderReply reply;

    public ProviderException(ProviderReply reply) {
        super("provider answered " + reply.status(), null, false, false);
        this.reply = reply;
    }

    public ProviderReply reply() {
        return reply;
    }
}
