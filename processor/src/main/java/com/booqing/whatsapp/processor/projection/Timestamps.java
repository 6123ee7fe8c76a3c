package com.booqing.whatsapp.processor.projection;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 UTC with exactly three fractional digits ("2025-06-08T21:39:43.000Z"). The fixed width makes string
 * order equal time order, which the projection script relies on when it compares timestamps.
 */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    public static String iso(Instant instant) {
        return FORMAT.format(instant);
    }
}
