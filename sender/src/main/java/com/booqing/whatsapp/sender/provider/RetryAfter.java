package com.booqing.whatsapp.sender.provider;

import java.time.Duration;
import java.util.Optional;

/** The Retry-After header in seconds, the form the providers use; an HTTP date or nonsense is ignored. */
final class RetryAfter {
    static final Duration MAX = Duration.ofHours(1);

    private RetryAfter() {
    }

    static Duration parse(Optional<String> header) {
        if (header.isEmpty()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.get().trim());
            if (seconds < 0) {
                return null;
            }
            Duration d = Duration.ofSeconds(seconds);
            return d.compareTo(MAX) > 0 ? MAX : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
