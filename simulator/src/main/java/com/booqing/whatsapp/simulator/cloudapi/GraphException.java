package com.booqing.whatsapp.simulator.cloudapi;

import com.booqing.whatsapp.simulator.provider.ProviderReply;

/** A Graph API error answer, thrown by handlers and rendered in one place. */
final class GraphException extends RuntimeException {

    private final transient ProviderReply reply;

    GraphException(ProviderReply reply) {
        super("graph error " + reply.status(), null, false, false);
        this.reply = reply;
    }

    ProviderReply reply() {
        return reply;
    }
}
