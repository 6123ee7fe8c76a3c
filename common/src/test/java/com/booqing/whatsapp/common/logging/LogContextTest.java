package com.booqing.whatsapp.common.logging;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void setsTheKeysForTheBlockAndRemovesThemAfter() {
        try (LogContext c = LogContext.open().tenant("salon").endpoint("ep_1").messageId("msg_1").trace("t-1")) {
            assertThat(MDC.getCopyOfContextMap()).containsEntry("tenant", "salon").containsEntry("endpoint", "ep_1")
                    .containsEntry("messageId", "msg_1").containsEntry("traceId", "t-1");
        }

        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void anInnerContextRestoresTheOuterOnesValues() {
        try (LogContext outer = LogContext.open().tenant("salon").trace("t-1")) {
            try (LogContext inner = LogContext.open().endpoint("ep_2").trace("t-2")) {
                assertThat(LogContext.currentTrace()).isEqualTo("t-2");
                assertThat(MDC.get("endpoint")).isEqualTo("ep_2");
            }
            assertThat(LogContext.currentTrace()).isEqualTo("t-1");
            assertThat(MDC.get("endpoint")).isNull();
            assertThat(MDC.get("tenant")).isEqualTo("salon");
        }
    }

    @Test
    void nullValuesLeaveKeysAsTheyWere() {
        try (LogContext c = LogContext.open().tenant("salon")) {
            try (LogContext inner = LogContext.open().tenant(null).messageId(null)) {
                assertThat(MDC.get("tenant")).isEqualTo("salon");
                assertThat(MDC.get("messageId")).isNull();
            }
            assertThat(MDC.get("tenant")).isEqualTo("salon");
        }
    }

    @Test
    void aRecordsTraceIsItsTraceHeaderElseItsRequestId() {
        RecordHeaders raw = new RecordHeaders();
        raw.add(Trace.REQUEST_ID_HEADER, "req-1".getBytes(StandardCharsets.UTF_8));

        assertThat(Trace.of(raw)).isEqualTo("req-1");
        assertThat(Trace.of(Trace.set(raw, "trace-9"))).isEqualTo("trace-9");
        assertThat(Trace.of(new RecordHeaders())).isNull();
    }

    @Test
    void malformedTraceHeadersAreIgnored() {
        RecordHeaders h = new RecordHeaders();
        h.add(Trace.HEADER, "has a space\nand a newline".getBytes(StandardCharsets.UTF_8));
        h.add(Trace.REQUEST_ID_HEADER, "x".repeat(200).getBytes(StandardCharsets.UTF_8));

        assertThat(Trace.of(h)).isNull();
        assertThat(Trace.of(Trace.set(new RecordHeaders(), "bad id"))).isNull();
    }

    @Test
    void generatedTraceIdsAreUnique() {
        Trace ids = new Trace();

        assertThat(ids.next()).isNotEqualTo(ids.next()).matches("[0-9a-f]{24}-[0-9a-f]+");
        assertThat(new Trace().next()).isNotEqualTo(ids.next());
    }
}
