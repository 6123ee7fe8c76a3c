package com.booqing.whatsapp.simulator.provider;

/** Told about every send a provider accepted. */
@FunctionalInterface
public interface SendListener {
    void accepted(SentMessage message);
}
