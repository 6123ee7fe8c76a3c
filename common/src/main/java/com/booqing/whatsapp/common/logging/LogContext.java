package com.booqing.whatsapp.common.logging;

import org.slf4j.MDC;

/**
 * The MDC keys every service logs with, set around the handling of one request or record and restored after it:
 * {@code try (LogContext c = LogContext.open().tenant(t).trace(id)) { ... }}. The JSON encoder writes them as
 * top-level fields of each line. Only ids go here (tenant, endpoint, message, trace), never content or secrets;
 * callers put caller-supplied text here only after checking it is a well-formed id. A null value leaves the key as
 * it was. Closing restores what the keys held before, so contexts nest (a sender attempt inside a command).
 */
public final class LogContext implements AutoCloseable {
    public static final String TENANT = "tenant";
    public static final String ENDPOINT = "endpoint";
    public static final String MESSAGE_ID = "messageId";
    public static final String TRACE_ID = "traceId";
    private static final int MAX_KEYS = 4;

    private final String[] keys = new String[MAX_KEYS];
    private final String[] previous = new String[MAX_KEYS];
    private int size;

    private LogContext() {
    }

    public static LogContext open() {
        return new LogContext();
    }

    public LogContext tenant(String tenantId) {
        return put(TENANT, tenantId);
    }

    public LogContext endpoint(String endpointId) {
        return put(ENDPOINT, endpointId);
    }

    public LogContext messageId(String messageId) {
        return put(MESSAGE_ID, messageId);
    }

    public LogContext trace(String traceId) {
        return put(TRACE_ID, traceId);
    }

    private LogContext put(String key, String value) {
        if (value == null) {
            return this;
        }
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                MDC.put(key, value);
                return this;
            }
        }
        keys[size] = key;
        previous[size] = MDC.get(key);
        size++;
        MDC.put(key, value);
        return this;
    }

    /** The trace id in effect on this thread, or null. */
    public static String currentTrace() {
        return MDC.get(TRACE_ID);
    }

    @Override
    public void close() {
        for (int i = size - 1; i >= 0; i--) {
            if (previous[i] == null) {
                MDC.remove(keys[i]);
            } else {
                MDC.put(keys[i], previous[i]);
            }
        }
        size = 0;
    }
}
