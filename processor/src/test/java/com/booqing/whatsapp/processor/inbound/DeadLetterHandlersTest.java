package com.booqing.whatsapp.processor.inbound;

import com.booqing.whatsapp.common.webhook.DeadLetter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterHandlersTest {
    private static final Map<String, Object> CONFIG = Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dlq");
    private static final byte[] KEY = "acme:ep_1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "{\"entry\":[]}".getBytes(StandardCharsets.UTF_8);

    private static ErrorHandlerContext context(byte[] key, byte[] value) {
        Headers headers = new RecordHeaders().add("wa.request-id", "req-1".getBytes(StandardCharsets.UTF_8));
        return new ErrorHandlerContext() {
            public String topic() { return "raw"; }
            public int partition() { return 2; }
            public long offset() { return 41; }
            public Headers headers() { return headers; }
            public String processorNodeId() { return "normalise"; }
            public TaskId taskId() { return new TaskId(0, 2); }
            public long timestamp() { return 1_000L; }
            public byte[] sourceRawKey() { return key; }
            public byte[] sourceRawValue() { return value; }
        };
    }

    @Test
    void processingFailureDeadLettersTheSourceRecordAndResumes() {
        DeadLetterHandlers.Processing handler = new DeadLetterHandlers.Processing();
        handler.configure(CONFIG);

        ProcessingExceptionHandler.Response r = handler.handleError(context(KEY, VALUE),
                new Record<>("k", "v", 0L), new IllegalStateException("boom"));

        assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> dlq = r.deadLetterQueueRecords().get(0);
        assertThat(dlq.topic()).isEqualTo("dlq");
        assertThat(dlq.key()).isEqualTo(KEY);
        assertThat(dlq.value()).isEqualTo(VALUE);
        assertThat(DeadLetter.header(dlq.headers(), "wa.request-id")).isEqualTo("req-1");
        assertThat(DeadLetter.header(dlq.headers(), DeadLetter.REASON))
                .isEqualTo("processor.process failed: IllegalStateException");
        assertThat(DeadLetter.header(dlq.headers(), DeadLetter.SOURCE_OFFSET)).isEqualTo("41");
    }

    @Test
    void infrastructureFailuresStillFailTheTask() {
        DeadLetterHandlers.Processing handler = new DeadLetterHandlers.Processing();
        handler.configure(CONFIG);

        assertThat(handler.handleError(context(KEY, VALUE), new Record<>("k", "v", 0L),
                new StreamsException("store")).result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
    }

    @Test
    void anOversizedOutputDeadLettersItsSourceAndATimeoutIsRetried() {
        DeadLetterHandlers.Production handler = new DeadLetterHandlers.Production();
        handler.configure(CONFIG);
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>("events", new byte[0], new byte[0]);

        ProductionExceptionHandler.Response tooLarge = handler.handleError(context(KEY, VALUE), out,
                new RecordTooLargeException("big"));
        assertThat(tooLarge.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(tooLarge.deadLetterQueueRecords().get(0).value()).isEqualTo(VALUE);
        assertThat(handler.handleError(context(KEY, VALUE), out, new TimeoutException("slow")).result())
                .isEqualTo(ProductionExceptionHandler.Result.RETRY);
    }

    @Test
    void aFailureOutsideASourceRecordResumesWithoutADeadLetter() {
        DeadLetterHandlers.Processing handler = new DeadLetterHandlers.Processing();
        handler.configure(CONFIG);

        assertThat(handler.handleError(context(null, null), new Record<>("k", "v", 0L),
                new IllegalStateException("punctuation")).deadLetterQueueRecords()).isEmpty();
    }
}
