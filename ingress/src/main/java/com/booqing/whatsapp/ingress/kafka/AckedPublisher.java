package com.booqing.whatsapp.ingress.kafka;

import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.ingress.http.UnavailableException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
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
 * <p>
 * A circuit breaker watches the acknowledgements: when most of the recent ones failed (the broker is away), every
 * publish answers 503 at once for {@link #OPEN_FOR} instead of handing the producer a record that will only time
 * out. While the broker is down, requests then neither hold threads and connections for the ack timeout nor fill
 * the producer's buffer with records that would all be sent in one burst when it returns; a few probes go through
 * after each pause, and the breaker closes when they are acknowledged.
 */
public final class AckedPublisher {
    private static final Logger log = LoggerFactory.getLogger(AckedPublisher.class);

    static final Duration OPEN_FOR = Duration.ofSeconds(1);

    private final Producer<byte[], byte[]> producer;
    private final Duration ackTimeout;
    private final CircuitBreaker broker;

    public AckedPublisher(Producer<byte[], byte[]> producer, Duration ackTimeout) {
        this(producer, ackTimeout, CircuitBreaker.of("kafka", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(OPEN_FOR)
                .permittedNumberOfCallsInHalfOpenState(3)
                .recordException(e -> true)
                .build()));
    }

    AckedPublisher(Producer<byte[], byte[]> producer, Duration ackTimeout, CircuitBreaker broker) {
        this.producer = producer;
        this.ackTimeout = ackTimeout;
        this.broker = broker;
        broker.getEventPublisher().onStateTransition(e -> log.warn("Kafka acknowledgements: {} (answering 503 at "
                + "once while open)", e.getStateTransition()));
    }

    /** CLOSED while acknowledgements come, OPEN (503 at once) while most recent ones failed. */
    public CircuitBreaker.State state() {
        return broker.getState();
    }

    /** Serialises with the topic's serdes and publishes. */
    public <K, V> RecordMetadata publish(Topic<K, V> topic, ProducerRecord<K, V> record) {
        return publish(encode(topic, record));
    }

    public RecordMetadata publish(ProducerRecord<byte[], byte[]> record) {
        long started = System.nanoTime();
        long deadline = started + ackTimeout.toNanos();
        if (!broker.tryAcquirePermission()) {
            throw brokerAway();
        }
        Future<RecordMetadata> ack;
        try {
            ack = producer.send(record);
        } catch (KafkaException | IllegalStateException e) {
            throw failed(record, e, started);
        }
        try {
            RecordMetadata metadata = ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            broker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return metadata;
        } catch (TimeoutException e) {
            throw failed(record, e, started);
        } catch (ExecutionException e) {
            throw failed(record, e.getCause() == null ? e : e.getCause(), started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            broker.releasePermission();
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
        long started = System.nanoTime();
        long deadline = started + ackTimeout.toNanos();
        if (!broker.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(brokerAway());
        }
        CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    ack.complete(metadata);
                } else {
                    ack.completeExceptionally(error);
                }
            });
        } catch (KafkaException | IllegalStateException e) {
            return CompletableFuture.failedFuture(failed(record, e, started));
        }
        return ack.orTimeout(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                .handle((metadata, error) -> {
                    if (error == null) {
                        broker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                        return CompletableFuture.completedFuture(metadata);
                    }
                    return CompletableFuture.<RecordMetadata>failedFuture(failed(record, unwrap(error), started));
                })
                .thenCompose(f -> f);
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

    private UnavailableException failed(ProducerRecord<byte[], byte[]> record, Throwable cause, long started) {
        broker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, cause);
        return unavailable(record, cause);
    }

    private static UnavailableException brokerAway() {
        return new UnavailableException("the gateway cannot accept this right now; retry later");
    }

    private UnavailableException unavailable(ProducerRecord<byte[], byte[]> record, Throwable cause) {
        log.warn("no acknowledgement from Kafka for a record on {} within {} ms: {}", record.topic(),
                ackTimeout.toMillis(), cause.toString());
        return new UnavailableException("the gateway cannot accept this right now; retry later");
    }
}
