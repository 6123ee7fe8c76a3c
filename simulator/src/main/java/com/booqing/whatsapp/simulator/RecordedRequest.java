package com.booqing.whatsapp.simulator;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request a simulated endpoint received, as the provider saw it. The Authorization header is never kept.
 *
 * @param query the raw query string, or null when there was none
 */
public record RecordedRequest(Instant receivedAt, String method, String path, String query,
                              Map<String, String> headers, String body) {

    public RecordedRequest {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            copy.putAll(headers);
        }
        copy.remove("Authorization");
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? "" : body;
    }

    /** Case-insensitive header lookup; null when absent. */
    public String header(String name) {
        return headers.get(name);
    }
}
