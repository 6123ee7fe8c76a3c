package com.booqing.whatsapp.ingress.kafka;

import com.booqing.whatsapp.ingress.http.UnavailableException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AckedPublisherTest {
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final AckedPublisher publisher = new AckedPublisher(producer, Duration.ofSeconds(5));

    private static ProducerRecord<byte[], byte[]> record(int i) {
        return new ProducerRecord<>("raw", ("k" + i).getBytes(StandardCharsets.UTF_8), new byte[]{1});
    }

    /** Publishes and lets the broker fail it, as an unreachable broker's expiring batch does. */
    private CompletableFuture<RecordMetadata> failedPublish(int i) {
        CompletableFuture<RecordMetadata> f = publisher.publishAsync(record(i));
        producer.errorNext(new TimeoutException("Expiring 1 record(s): 5000 ms has passed since batch creation"));
        return f;
    }

    @Test
    void acknowledgedRecordIsReturnedWithItsOffset() throws Exception {
        CompletableFuture<RecordMetadata> f = publisher.publishAsync(record(1));
        producer.completeNext();

        assertThat(f.get(5, TimeUnit.SECONDS).topic()).isEqualTo("raw");
        assertThat(publisher.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void answersAtOnceWithoutTouchingTheProducerWhileTheBrokerIsAway() {
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(failedPublish(i)::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(UnavailableException.class);
        }
        int sent = producer.history().size();

        CompletableFuture<RecordMetadata> refused = publisher.publishAsync(record(99));

        assertThat(publisher.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::get).hasCauseInstanceOf(UnavailableException.class);
        assertThatThrownBy(() -> publisher.publish(record(100))).isInstanceOf(UnavailableException.class);
        assertThat(producer.history().size()).isEqualTo(sent);
    }

    @Test
    void acceptsAgainOnceProbesAreAcknowledged() throws Exception {
        for (int i = 0; i < 10; i++) {
            failedPublish(i);
        }
        assertThat(publisher.state()).isEqualTo(CircuitBreaker.State.OPEN);

        // After the pause, probes go to the broker; acknowledged, they close the breaker.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            CompletableFuture<RecordMetadata> probe = publisher.publishAsync(record(50));
            if (probe.isCompletedExceptionally()) {
                return false;
            }
            producer.completeNext();
            probe.get(5, TimeUnit.SECONDS);
            return true;
        });
        for (int i = 0; i < 3; i++) {
            CompletableFuture<RecordMetadata> f = publisher.publishAsync(record(60 + i));
            producer.completeNext();
            f.get(5, TimeUnit.SECONDS);
        }

        assertThat(publisher.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
