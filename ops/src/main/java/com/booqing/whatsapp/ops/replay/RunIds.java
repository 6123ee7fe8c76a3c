package com.booqing.whatsapp.ops.replay;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/** Ids of replay and redrive runs, written into the copies' headers so a copy can be traced to the run that made it. */
public final class RunIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RunIds() {
    }

    public static String next(Instant now) {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return now.getEpochSecond() + "-" + HexFormat.of().formatHex(b);
    }
}
