package com.booqing.whatsapp.ops.copy;

import com.booqing.whatsapp.ops.BadArgumentsException;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Points in time and durations as an operator types them: {@code 2026-01-05T10:00:00Z} (or with an offset,
 * {@code +01:00}), {@code now}, or an age such as {@code 90m}, {@code 2h}, {@code 3d} meaning that long ago.
 */
public final class Times {
    private static final Pattern AGE = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Times() {
    }

    public static Instant instant(String option, String value, Instant now) {
        String v = value.strip();
        if (v.equalsIgnoreCase("now")) {
            return now;
        }
        Matcher age = AGE.matcher(v);
        if (age.matches()) {
            return now.minus(duration(age));
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException e) {
                throw new BadArgumentsException(option + " '" + value + "' is not a time: use an ISO-8601 time with "
                        + "its zone (2026-01-05T10:00:00Z), 'now', or an age such as 90m, 2h or 3d");
            }
        }
    }

    public static Duration duration(String option, String value) {
        Matcher m = AGE.matcher(value.strip());
        if (!m.matches()) {
            throw new BadArgumentsException(option + " '" + value + "' is not a duration: use a number with "
                    + "ms, s, m, h or d, such as 30s or 5m");
        }
        return duration(m);
    }

    private static Duration duration(Matcher m) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** "1.2 s", "3 min 05 s", "2 h 07 min": for progress lines and summaries. */
    public static String human(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 10_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(java.util.Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(java.util.Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
