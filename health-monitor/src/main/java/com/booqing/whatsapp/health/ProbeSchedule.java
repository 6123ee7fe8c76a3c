package com.booqing.whatsapp.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * When each endpoint is checked next: one queue ordered by due time for every endpoint this instance owns, rather
 * than a timer task per endpoint or a scan of all endpoints per tick, so that taking the checks due now costs in
 * proportion to those checks, whether the instance owns ten endpoints or a hundred thousand. An endpoint is checked
 * again one interval after the start of its previous check, and never while a check of it is still running.
 *
 * <p>Entries are never searched for: rescheduling or forgetting an endpoint bumps its generation, and a queue entry
 * of an older generation is dropped when it comes up. Pure and single-threaded: the monitor calls it from its
 * scheduler thread only, with the time.
 */
final class ProbeSchedule {
    private record Due(long atMillis, String endpointId, long generation) {
    }

    private final PriorityQueue<Due> queue = new PriorityQueue<>(Comparator.comparingLong(Due::atMillis));
    /** The live generation of each endpoint waiting in the queue. */
    private final Map<String, Long> waiting = new HashMap<>();
    /** Endpoints whose check runs, with when it started. */
    private final Map<String, Instant> running = new HashMap<>();
    private long generations;

    /**
     * When an endpoint taken on (at start, or from another instance) is first checked: one interval after its last
     * check when that is still ahead, keeping the previous owner's rhythm; otherwise (no verdict yet, or overdue)
     * at {@code fraction} of the coming interval, so that endpoints taken on together spread evenly over it rather
     * than all being checked at once, and stay spread.
     *
     * @param lastChecked when its last published verdict was checked, or null
     * @param fraction    in [0, 1), random per endpoint
     */
    static Instant takenOn(Instant lastChecked, Duration interval, Instant now, double fraction) {
        if (lastChecked != null) {
            Instant next = lastChecked.plus(interval);
            if (next.isAfter(now) && !next.isAfter(now.plus(interval))) {
                return next;
            }
        }
        return now.plusMillis((long) (fraction * interval.toMillis()));
    }

    /** True while the endpoint's check runs (or waits for a slot of its host). */
    boolean running(String endpointId) {
        return running.containsKey(endpointId);
    }

    /** True when the endpoint waits for its next check or is being checked. */
    boolean contains(String endpointId) {
        return waiting.containsKey(endpointId) || running.containsKey(endpointId);
    }

    /** Checks the endpoint at {@code due} (at once when that has passed), replacing any earlier plan. */
    void schedule(String endpointId, Instant due) {
        long g = ++generations;
        waiting.put(endpointId, g);
        queue.add(new Due(due.toEpochMilli(), endpointId, g));
    }

    /**
     * The endpoints due at {@code now}, earliest first, counted as running from now on.
     *
     * @param max at most this many
     */
    List<String> takeDue(Instant now, int max) {
        List<String> due = new ArrayList<>();
        long nowMillis = now.toEpochMilli();
        while (due.size() < max && !queue.isEmpty() && queue.peek().atMillis() <= nowMillis) {
            Due d = queue.poll();
            Long live = waiting.get(d.endpointId());
            if (live == null || live != d.generation()) {
                continue; // rescheduled or forgotten since
            }
            waiting.remove(d.endpointId());
            running.put(d.endpointId(), now);
            due.add(d.endpointId());
        }
        return due;
    }

    /** The endpoint's check ended: the next one is due one interval after this one started. */
    void finished(String endpointId, Duration interval) {
        Instant started = running.remove(endpointId);
        if (started != null) {
            schedule(endpointId, started.plus(interval));
        }
    }

    /** The endpoint is no longer checked here; a check still running will not bring it back. */
    void forget(String endpointId) {
        waiting.remove(endpointId);
        running.remove(endpointId);
    }

    /** The endpoints waiting or running (a copy). */
    List<String> endpoints() {
        List<String> all = new ArrayList<>(waiting.keySet());
        all.addAll(running.keySet());
        return all;
    }

    int running() {
        return running.size();
    }

    int size() {
        return waiting.size() + running.size();
    }
}
