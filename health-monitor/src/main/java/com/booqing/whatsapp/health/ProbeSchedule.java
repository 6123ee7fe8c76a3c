package com.booqing.whatsapp.health;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * When each endpoint is probed next. A new endpoint is probed at once; then every interval, measured from the
 * start of the previous probe. An endpoint whose probe is still running is not probed again.
 * Pure and single-threaded: the monitor calls it from its scheduler thread only.
 */
final class ProbeSchedule {
    private final Map<String, Instant> nextDue = new HashMap<>();
    private final Set<String> inFlight = new HashSet<>();

    /** @return true when a probe should start now; it is then counted as in flight */
    boolean startIfDue(String endpointId, Duration interval, Instant now) {
        if (inFlight.contains(endpointId)) {
            return false;
        }
        Instant due = nextDue.get(endpointId);
        if (due != null && now.isBefore(due)) {
            return false;
        }
        nextDue.put(endpointId, now.plus(interval));
        inFlight.add(endpointId);
        return true;
    }

    void finished(String endpointId) {
        inFlight.remove(endpointId);
    }

    void forget(String endpointId) {
        nextDue.remove(endpointId);
        inFlight.remove(endpointId);
    }
}
