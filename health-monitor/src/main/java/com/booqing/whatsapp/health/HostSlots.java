package com.booqing.whatsapp.health;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * At most {@code perHost} checks in flight per provider host (scheme, host and port of the endpoint's API URL); the
 * checks beyond wait, first come first served, for one of that host's checks to end. A slow or hanging provider
 * server then holds a bounded number of connections and delays only its own endpoints' checks, and the HTTP
 * client's pool stays small (the JDK client walks its idle list on every reuse: with thousands of connections to
 * one host, that walk was the monitor's hottest code in an overloaded run). Pure and single-threaded: the monitor's
 * scheduler thread owns it.
 */
final class HostSlots {
    private final int perHost;
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Map<String, ArrayDeque<String>> waiting = new HashMap<>();

    HostSlots(int perHost) {
        if (perHost < 1) {
            throw new IllegalArgumentException("perHost must be positive");
        }
        this.perHost = perHost;
    }

    /** @return true when a check of {@code host} may start now (it is counted); false: call {@link #await} */
    boolean tryAcquire(String host) {
        int n = inFlight.getOrDefault(host, 0);
        if (n >= perHost) {
            return false;
        }
        inFlight.put(host, n + 1);
        return true;
    }

    /** The endpoint's check waits for a slot of {@code host}. */
    void await(String host, String endpointId) {
        waiting.computeIfAbsent(host, h -> new ArrayDeque<>()).add(endpointId);
    }

    /**
     * A check of {@code host} ended. @return the endpoint whose check takes its slot now (already counted), if one
     * waits
     */
    Optional<String> release(String host) {
        ArrayDeque<String> q = waiting.get(host);
        if (q != null && !q.isEmpty()) {
            String next = q.poll();
            if (q.isEmpty()) {
                waiting.remove(host);
            }
            return Optional.of(next);
        }
        int n = inFlight.getOrDefault(host, 0) - 1;
        if (n <= 0) {
            inFlight.remove(host);
        } else {
            inFlight.put(host, n);
        }
        return Optional.empty();
    }

    /** The slot key of an API URL: its scheme, host and port, lower case ("http://127.0.0.1:9090"). */
    static String hostOf(String apiUrl) {
        int scheme = apiUrl.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int end = apiUrl.indexOf('/', start);
        return (end < 0 ? apiUrl : apiUrl.substring(0, end)).toLowerCase(Locale.ROOT);
    }

    int inFlight(String host) {
        return inFlight.getOrDefault(host, 0);
    }

    int waiting(String host) {
        ArrayDeque<String> q = waiting.get(host);
        return q == null ? 0 : q.size();
    }
}
