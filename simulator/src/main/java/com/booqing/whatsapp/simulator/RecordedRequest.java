package com.booqing.whatsapp.simulator;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request a simulated endpoint received, as the provider saw it. The Authorization header is never kept.
 *
 * @param query the raw query string, or null when there was none
 * @param fault the fault this request suffered ({@link Fault.Mode#wireName()}); "none" when it was served normally
 *              (with a fault limited to a share of the requests, this says which ones it hit)
 */
public record RecordedRequest(Instant receivedAt, String method, String path, String query,
                              Map<String, String> headers, String body, String fault) {

    public RecordedRequest {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            copy.putAll(headers);
        }
        copy.remove("Authorization");
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? "" : body;
        fault = fault == null ? Fault.Mode.NONE.wireName() : fault;
    }

    /** A request served normally. */
    public RecordedRequest(Instant receivedAt, String method, String path, String query, Map<String, String> headers,
                           String body) {
        this(receivedAt, method, path, query, headers, body, Fault.Mode.NONE.wireName());
    }

    /** Whether the endpoint's fault hit this request. */
    public boolean faulted() {
        return !Fault.Mode.NONE.wireName().equals(fault);
    }

    /** Case-insensitive header lookup; null when absent. */
    public String header(String name) {
        return headers.get(name);
    }
}
