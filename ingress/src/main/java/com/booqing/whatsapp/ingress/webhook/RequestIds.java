package com.booqing.whatsapp.ingress.webhook;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique request ids, cheaper than {@code UUID.randomUUID()} (which takes a SecureRandom draw per call): a random
 * 96-bit prefix drawn once per instance, then a counter. Unique across instances and restarts as long as no two
 * instances draw the same prefix; the id reveals only how many webhooks this instance has accepted.
 */
final class RequestIds {
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    RequestIds() {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        this.prefix = HexFormat.of().formatHex(random) + "-";
    }

    String next() {
        return prefix + Long.toHexString(counter.incrementAndGet());
    }
}
