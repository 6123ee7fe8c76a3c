package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.webhook.RawWebhook;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Headers of the aggregate's records. {@value #HEADER} tells the aggregate its own records from those someone
 * else wrote straight to a compacted topic (a seed), which it adopts; {@value #EVENT_TYPE} is the event type, as
 * the inbound topology sets it, so readers of the events topic can skip what they do not want unread.
 */
final class Writer {
    static final String HEADER = RawWebhook.HEADER_PREFIX + "writer";
    static final String NAME = "processor.management";
    static final String EVENT_TYPE = RawWebhook.HEADER_PREFIX + "event-type";

    private Writer() {
    }

    static Headers headers() {
        RecordHeaders h = new RecordHeaders();
        h.add(HEADER, utf8(NAME));
        return h;
    }

    static Headers eventHeaders(String type) {
        Headers h = headers();
        h.add(EVENT_TYPE, utf8(type));
        return h;
    }

    static boolean wrote(Headers headers) {
        Header h = headers.lastHeader(HEADER);
        return h != null && h.value() != null && NAME.equals(new String(h.value(), StandardCharsets.UTF_8));
    }

    static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
