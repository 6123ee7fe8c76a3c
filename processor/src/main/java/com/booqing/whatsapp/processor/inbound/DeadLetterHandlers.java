package com.booqing.whatsapp.processor.inbound;

import com.booqing.whatsapp.common.webhook.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The backstop behind {@link WebhookNormaliser}'s own error handling: whatever a record still manages to throw
 * (in deserialisation, processing, or serialising/producing its output) sends the <em>source</em> record's
 * original bytes and headers to the dead-letter topic named by
 * {@value StreamsConfig#ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG}, and the stream thread carries on.
 * Infrastructure failures (state store, broker) still fail, so Streams can recover its task instead of
 * silently skipping good records.
 */
public final class DeadLetterHandlers {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandlers.class);

    private DeadLetterHandlers() {
    }

    static String deadLetterTopic(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new IllegalStateException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " is not set");
        }
        return topic.toString();
    }

    /** The source record, as it was read, with the dead-letter headers; empty when there is no source record. */
    static List<ProducerRecord<byte[], byte[]>> deadLetter(String topic, ErrorHandlerContext ctx, String stage,
                                                           Exception e) {
        if (ctx.sourceRawValue() == null && ctx.sourceRawKey() == null) {
            log.error("{} failed outside of a source record (node {}): {}", stage, ctx.processorNodeId(), e.toString());
            return List.of();
        }
        String reason = stage + " failed: " + e.getClass().getSimpleName();
        log.warn("dead-lettering {}-{}@{}: {}", ctx.topic(), ctx.partition(), ctx.offset(), reason, e);
        return List.of(new ProducerRecord<>(topic, null, ctx.timestamp() >= 0 ? ctx.timestamp() : null,
                ctx.sourceRawKey(), ctx.sourceRawValue(),
                DeadLetter.headers(ctx.headers(), stage, reason, ctx.topic(), ctx.partition(), ctx.offset(),
                        Instant.now())));
    }

    public static final class Deserialization implements DeserializationExceptionHandler {
        private String topic;

        @Override
        public void configure(Map<String, ?> configs) {
            topic = deadLetterTopic(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext ctx, ConsumerRecord<byte[], byte[]> record, Exception e) {
            return Response.resume(deadLetter(topic, ctx, "processor.deserialize", e));
        }
    }

    public static final class Processing implements ProcessingExceptionHandler {
        private String topic;

        @Override
        public void configure(Map<String, ?> configs) {
            topic = deadLetterTopic(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext ctx, Record<?, ?> record, Exception e) {
            if (e instanceof StreamsException) {
                return Response.fail();
            }
            return Response.resume(deadLetter(topic, ctx, "processor.process", e));
        }
    }

    public static final class Production implements ProductionExceptionHandler {
        private String topic;

        @Override
        public void configure(Map<String, ?> configs) {
            topic = deadLetterTopic(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext ctx, ProducerRecord<byte[], byte[]> record, Exception e) {
            if (e instanceof RecordTooLargeException) {
                return Response.resume(deadLetter(topic, ctx, "processor.produce", e));
            }
            return e instanceof RetriableException ? Response.retry() : Response.fail();
        }

        @Override
        @SuppressWarnings("rawtypes")
        public Response handleSerializationError(ErrorHandlerContext ctx, ProducerRecord record, Exception e,
                                                 SerializationExceptionOrigin origin) {
            return Response.resume(deadLetter(topic, ctx, "processor.serialize", e));
        }
    }
}
