package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import io.javalin.Javalin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Diagnostic only ({@code --handler-diagnostic=true}): two Javalin handlers that do nothing but publish the raw
 * body to Kafka with the ingress's producer settings (acks=all, idempotent) and answer 200 after the ack: one
 * waits on the request thread ({@code send().get()}, as the ingress does), the other answers from the
 * producer's callback ({@code ctx.future}). Side by side they show what the waiting itself costs, apart from
 * everything else the ingress does (signature check, secret opening, access log, metrics).
 */
final class ReferenceHandlers implements AutoCloseable {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);
    private static final String PATH = "/api/whatsapp/webhook/{tenantId}/{endpointId}";

    private final Producer<byte[], byte[]> producer;
    private final Javalin blocking;
    private final Javalin async;

    ReferenceHandlers(String bootstrapServers, String topic) {
        producer = new KafkaProducer<>(KafkaClients.durableProducer(bootstrapServers, "bench-reference",
                Duration.ofSeconds(2), Duration.ofSeconds(30)));
        blocking = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.routes.post(PATH, ctx -> {
                producer.send(record(topic, ctx.pathParam("tenantId"), ctx.bodyAsBytes()))
                        .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                ctx.status(200);
            });
        }).start("127.0.0.1", 0);
        async = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.routes.post(PATH, ctx -> {
                CompletableFuture<Void> acked = new CompletableFuture<>();
                producer.send(record(topic, ctx.pathParam("tenantId"), ctx.bodyAsBytes()), (metadata, error) -> {
                    if (error == null) {
                        acked.complete(null);
                    } else {
                        acked.completeExceptionally(error);
                    }
                });
                ctx.future(() -> acked.orTimeout(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .thenRun(() -> ctx.status(200)));
            });
        }).start("127.0.0.1", 0);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String tenantId, byte[] body) {
        return new ProducerRecord<>(topic, tenantId.getBytes(StandardCharsets.UTF_8), body);
    }

    int blockingPort() {
        return blocking.port();
    }

    int asyncPort() {
        return async.port();
    }

    @Override
    public void close() {
        blocking.stop();
        async.stop();
        producer.close(Duration.ofSeconds(5));
    }
}
