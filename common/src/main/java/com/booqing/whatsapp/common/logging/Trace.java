package com.booqing.whatsapp.common.logging;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The trace id that follows a webhook or a send command from service to service, in the Kafka header
 * {@value #HEADER}. A webhook's trace id is the ingress's request id (the {@code requestId} of its 200 answer),
 * which its raw record already carries as {@value #REQUEST_ID_HEADER}; so {@link #of} falls back to that header.
 * A REST send command gets a new id from the ingress; a command a client put on Kafka itself may bring its own.
 * Each service logs it as the MDC key {@link LogContext#TRACE_ID} and copies it onto what it produces in turn.
 */
public final class Trace {
    public static final String HEADER = "wa.trace";
    public static final String REQUEST_ID_HEADER = "wa.request-id";
    /** Header values come from whoever produced the record: only short, printable ASCII is taken as a trace id. */
    private static final Pattern WELL_FORMED = Pattern.compile("[\\x21-\\x7E]{1,128}");

    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    /**
     * A generator of unique trace ids: a random 96-bit prefix drawn once, then a counter (as the ingress's request
     * ids), so a new id costs no random draw.
     */
    public Trace() {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        this.prefix = HexFormat.of().formatHex(random) + "-";
    }

    public String next() {
        return prefix + Long.toHexString(counter.incrementAndGet());
    }

    /** The record's trace id: {@value #HEADER}, else {@value #REQUEST_ID_HEADER}; null when neither is usable. */
    public static String of(Headers headers) {
        if (headers == null) {
            return null;
        }
        String trace = value(headers.lastHeader(HEADER));
        return trace != null ? trace : value(headers.lastHeader(REQUEST_ID_HEADER));
    }

    /** Sets {@value #HEADER} (replacing any); a null or malformed id leaves the headers as they are. */
    public static Headers set(Headers headers, String traceId) {
        if (traceId != null && WELL_FORMED.matcher(traceId).matches()) {
            headers.remove(HEADER);
            headers.add(HEADER, traceId.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static String value(Header header) {
        if (header == null || header.value() == null || header.value().length > 128) {
            return null;
        }
        String v = new String(header.value(), StandardCharsets.UTF_8);
        return WELL_FORMED.matcher(v).matches() ? v : null;
    }
}
