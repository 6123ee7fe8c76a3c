package com.booqing.whatsapp.common.webhook;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Headers that a dead-lettered record carries beside its original bytes and original headers, so an operator
 * can see why it failed and redrive it to where it came from.
 */
public final class DeadLetter {
    public static final String REASON = "dlq.reason";
    public static final String SOURCE_TOPIC = "dlq.source-topic";
    public static final String SOURCE_PARTITION = "dlq.source-partition";
    public static final String SOURCE_OFFSET = "dlq.source-offset";
    public static final String FAILED_AT = "dlq.failed-at";
    public static final String STAGE = "dlq.stage";

    private DeadLetter() {
    }

    /** The original headers plus the dead-letter headers. */
    public static Headers headers(Headers original, String stage, String reason, String sourceTopic,
                                  int partition, long offset, java.time.Instant failedAt) {
        RecordHeaders h = new RecordHeaders(original == null ? new RecordHeaders().toArray() : original.toArray());
        h.add(STAGE, utf8(stage));
        h.add(REASON, utf8(reason.length() > 500 ? reason.substring(0, 500) : reason));
        h.add(SOURCE_TOPIC, utf8(sourceTopic));
        h.add(SOURCE_PARTITION, utf8(Integer.toString(partition)));
        h.add(SOURCE_OFFSET, utf8(Long.toString(offset)));
        h.add(FAILED_AT, utf8(failedAt.toString()));
        return h;
    }

    public static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
