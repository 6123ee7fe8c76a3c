package com.booqing.whatsapp.ingress.kafka;

import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.ingress.http.UnavailableException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes one record and waits for the broker's acknowledgement, at most a fixed time in total (including
 * the time send() may block for metadata). A caller answers 2xx only after this returns; every failure is an
 * {@link UnavailableException} (503), never a 4xx, because a broker fault is transient. A record whose ack came
 * too late may still be written: the caller's retry then produces a duplicate, which consumers de-duplicate.
 */
public final class AckedPublisher {
    private static final Logger log = LoggerFactory.getLogger(AckedPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final Duration ackTimeout;

    public AckedPublisher(Producer<byte[], byte[]> producer, Duration ackTimeout) {
        this.producer = producer;
        this.ackTimeout = ackTimeout;
    }

    /** Serialises with the topic's serdes and publishes. */
    public <K, V> RecordMetadata publish(Topic<K, V> topic, ProducerRecord<K, V> record) {
        return publish(encode(topic, record));
    }

    public RecordMetadata publish(ProducerRecord<byte[], byte[]> record) {
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        Future<RecordMetadata> ack;
        try {
            ack = producer.send(record);
        } catch (KafkaException | IllegalStateException e) {
            throw unavailable(record, e);
        }
        try {
            return ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw unavailable(record, e);
        } catch (ExecutionException e) {
            throw unavailable(record, e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(record, e);
        }
    }

    /** Serialises with the topic's serdes and publishes without blocking on the ack; see {@link #publishAsync}. */
    public <K, V> CompletableFuture<RecordMetadata> publishAsync(Topic<K, V> topic, ProducerRecord<K, V> record) {
        return publishAsync(encode(topic, record));
    }

    /**
     * Publishes and completes with the broker's ack, or exceptionally with an {@link UnavailableException} when
     * the send fails or no ack came within the ack timeout (counted from this call, so including any time send() blocked). Only send() itself may block
     * the caller (for metadata, bounded by the producer's max.block.ms). The future completes on the producer's
     * I/O thread or the timeout's timer thread: a caller must not do blocking work (such as writing a response)
     * in a dependent stage that runs there.
     */
    public CompletableFuture<RecordMetadata> publishAsync(ProducerRecord<byte[], byte[]> record) {
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    ack.complete(metadata);
                } else {
                    ack.completeExceptionally(unavailable(record, error));
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            ack.completeExceptionally(unavailable(record, e));
            return ack;
        }
        return ack.orTimeout(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        unwrap(e) instanceof UnavailableException u ? u : unavailable(record, unwrap(e))));
    }

    /** The failure of a {@link #publishAsync} future as the 503 to answer (it already is one, unwrapped). */
    public static UnavailableException asUnavailable(Throwable failure) {
        return unwrap(failure) instanceof UnavailableException u ? u
                : new UnavailableException("the gateway cannot accept this right now; retry later");
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    public static <K, V> ProducerRecord<byte[], byte[]> encode(Topic<K, V> topic, ProducerRecord<K, V> record) {
        byte[] key = record.key() == null ? null : topic.keySerde().serializer().serialize(topic.name(), record.key());
        byte[] value = record.value() == null ? null
                : topic.valueSerde().serializer().serialize(topic.name(), record.value());
        return new ProducerRecord<>(topic.name(), record.partition(), record.timestamp(), key, value, record.headers());
    }

    private UnavailableException unavailable(ProducerRecord<byte[], byte[]> record, Throwable cause) {
        log.warn("no acknowledgement from Kafka for a record on {} within {} ms: {}", record.topic(),
                ackTimeout.toMillis(), cause.toString());
        return new UnavailableException("the gateway cannot accept this right now; retry later");
    }
}
