package com.booqing.whatsapp.reliability.inbound;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.reliability.harness.Await;
import com.booqing.whatsapp.reliability.harness.KafkaNode;
import com.booqing.whatsapp.reliability.harness.Names;
import com.booqing.whatsapp.reliability.harness.Project;
import com.booqing.whatsapp.reliability.harness.Service;
import com.booqing.whatsapp.reliability.harness.ServiceJvm;
import com.booqing.whatsapp.reliability.harness.Sleep;
import com.booqing.whatsapp.reliability.harness.TenantSeed;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.InfraExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.JedisPooled;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker is killed (SIGKILL) under a steady stream of signed webhooks posted to the ingress, and restarted on
 * the same port with its data after the outage. The poster behaves like a provider: it retries every delivery
 * that did not get a 2xx (after 1 s, then 2 s, at most 5 s apart) until it does. The broker is the test's own
 * ({@link KafkaNode}), never testkit's shared one. Redis is testkit's.
 * {@code -Dreliability.broker.rate} webhooks/s (default 100; 200 under {@code -Preliability}),
 * {@code -Dreliability.broker.outageSeconds} (default 6; 15), {@code -Dreliability.broker.loadSeconds} (default 16; 35).
 */
@ExtendWith(InfraExtension.class)
class BrokerOutageIT {
    private static final ConcurrentMap<String, AtomicInteger> ERROR_KINDS = new ConcurrentHashMap<>();
    /**
     * Connections the machine did not establish in time, or closed before reading a request on them: the ingress
     * read nothing, and the poster retries like a provider.
     */
    private static final ConcurrentMap<String, AtomicInteger> NOT_CONNECTED = new ConcurrentHashMap<>();
    private static final String ADMIN_KEY = "reliability-admin-key-0123456789";

    @Test
    void everyAnswerIs2xxOr503AndEveryWebhookArrivesExactlyOnceAfterTheProvidersRetries(Infra infra) throws Exception {
        int rate = Integer.getInteger("reliability.broker.rate", 100);
        int outageSeconds = Integer.getInteger("reliability.broker.outageSeconds", 6);
        int loadSeconds = Integer.getInteger("reliability.broker.loadSeconds", 16);
        InboundLoad load = InboundLoad.generate(Names.random(3), 3, rate * loadSeconds, 0.05, 23);
        RedisKeys keys = infra.newRedisKeys();
        JedisPooled redis = infra.redis();
        Path run = Project.runDir("broker-outage");
        String encryption = TenantSeed.newEncryptionKeys();
        Map<Integer, AtomicInteger> answers = new TreeMap<>();
        ConcurrentMap<Integer, AtomicInteger> codes = new ConcurrentHashMap<>();
        AtomicInteger ioErrors = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        try (KafkaNode kafka = KafkaNode.start(run)) {
            Topics topics = Names.newTopics(kafka.bootstrapServers(), 3);
            TenantSeed.seed(kafka.bootstrapServers(), topics, encryption,
                    load.tenants.stream().map(t -> t.endpoint("http://127.0.0.1:9/unused")).toList());
            Map<String, String> env = ServiceJvm.baseEnv(kafka.bootstrapServers(), infra.redisUrl(),
                    Names.prefixOf(topics), keys.namespace(), encryption);
            env.put("WHATSAPP_ADMIN_API_KEY", ADMIN_KEY);
            env.put("INGRESS_HOST", "127.0.0.1");
            env.put("INGRESS_KAFKA_ACK_TIMEOUT_MS", "2000");
            try (ServiceJvm processor = ServiceJvm.start(Service.PROCESSOR, "processor", env, run);
                 ServiceJvm ingress = ServiceJvm.start(Service.INGRESS, "ingress", env, run)) {
                processor.awaitReady(Duration.ofSeconds(120));
                ingress.awaitReady(Duration.ofSeconds(120));
                HttpClient http = AuditedHttpClient.of(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                        .executor(Executors.newFixedThreadPool(8)).build());
                ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
                Semaphore inFlight = new Semaphore(5_000);
                List<CompletableFuture<Void>> done = new java.util.ArrayList<>();
                long t0 = System.nanoTime();
                long outageAt = t0 + Duration.ofSeconds((loadSeconds - outageSeconds) / 2).toNanos();
                // The outage runs on its own clock: the poster may block on its in-flight bound meanwhile.
                CompletableFuture<Void> outage = CompletableFuture.runAsync(() -> {
                    Sleep.millis(Math.max(0, (outageAt - System.nanoTime()) / 1_000_000));
                    kafka.kill9();
                    System.out.printf("broker-outage: broker killed at %.1f s%n", (System.nanoTime() - t0) / 1e9);
                    Sleep.millis(Duration.ofSeconds(outageSeconds).toMillis());
                    System.out.printf("broker-outage: broker restarting at %.1f s%n", (System.nanoTime() - t0) / 1e9);
                    kafka.restart();
                    System.out.printf("broker-outage: broker answering at %.1f s%n", (System.nanoTime() - t0) / 1e9);
                });
                for (int i = 0; i < load.deliveries.size(); i++) {
                    long due = t0 + i * 1_000_000_000L / rate;
                    while (System.nanoTime() < due) {
                        Sleep.millis(Math.max(1, (due - System.nanoTime()) / 1_000_000));
                    }
                    inFlight.acquire();
                    CompletableFuture<Void> f = new CompletableFuture<>();
                    done.add(f);
                    post(http, timer, ingress.baseUrl(), load.deliveries.get(i), 0, codes, ioErrors, retries, f,
                            System.nanoTime() + Duration.ofSeconds(180).toNanos());
                    f.whenComplete((v, e) -> inFlight.release());
                }
                outage.get(120, TimeUnit.SECONDS);
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(240, TimeUnit.SECONDS);
                timer.shutdownNow();
                double sendEnd = (System.nanoTime() - t0) / 1e9;
                Await.until(Duration.ofSeconds(180), Duration.ofMillis(250),
                        () -> load.differences(redis, keys).isEmpty(),
                        () -> "Redis converging after the outage: " + load.differences(redis, keys).stream().limit(10)
                                .toList() + "\n" + processor.logTail(30));
                Sleep.millis(2_000);
                answers.putAll(codes);
                System.out.printf("broker-outage: %d webhooks at %d/s, broker down %d s; answers %s; %d retries;"
                                + " %d connection errors; all 2xx after %.1f s; Redis identical to the oracle%n",
                        load.deliveries.size(), rate, outageSeconds, answers, retries.get(), ioErrors.get(), sendEnd);
                System.out.println("broker-outage: requests sent and not answered, by kind " + ERROR_KINDS
                        + "; connections not established or closed unread (retried) " + NOT_CONNECTED);
                assertThat(answers.keySet()).as("every answer is 2xx or 503")
                        .allMatch(c -> (c >= 200 && c < 300) || c == 503);
                // A request the ingress holds past the poster's 15 s timeout is no answer at all. A connection the
                // loaded machine did not accept within the poster's 2 s connect timeout carried no request; the
                // poster retries it as a provider does, and the exactly-once check below covers it.
                assertThat(ERROR_KINDS).as("the ingress answered every request it received within 15 s").isEmpty();
                assertThat(codes.getOrDefault(503, new AtomicInteger()).get()).as("the outage was seen").isPositive();
                assertThat(load.differences(redis, keys)).as("Redis against the oracle").isEmpty();
            }
        } finally {
            infra.deleteKeys(keys);
        }
    }

    /** One delivery attempt; on anything but 2xx it schedules the next one like a provider (1 s, 2 s, ... 5 s). */
    private static void post(HttpClient http, ScheduledExecutorService timer, String base, InboundLoad.Delivery d,
                             int attempt, ConcurrentMap<Integer, AtomicInteger> codes, AtomicInteger ioErrors,
                             AtomicInteger retries, CompletableFuture<Void> done, long deadline) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(base + "/api/whatsapp/webhook/" + d.tenantId() + "/" + d.endpointId()))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", d.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(d.body()))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
            boolean ok;
            if (e != null) {
                ioErrors.incrementAndGet();
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                // A connection the server closed before it sent any byte of an answer (an idle keep-alive
                // connection closed by the idle timeout just as the poster reused it, or one accepted past the
                // connection limit and closed at once): the ingress never read that request, and the poster
                // retries it like a provider does, as for a connection that was never established.
                boolean notConnected = cause instanceof java.net.http.HttpConnectTimeoutException
                        || cause instanceof java.net.ConnectException
                        || String.valueOf(cause.getMessage()).contains("header parser received no bytes");
                (notConnected ? NOT_CONNECTED : ERROR_KINDS).computeIfAbsent(
                        cause.getClass().getSimpleName() + ": " + cause.getMessage(), k -> new AtomicInteger())
                        .incrementAndGet();
                ok = false;
            } else {
                codes.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                ok = r.statusCode() >= 200 && r.statusCode() < 300;
            }
            if (ok) {
                done.complete(null);
            } else if (System.nanoTime() > deadline) {
                done.completeExceptionally(new AssertionError("delivery never got a 2xx: last "
                        + (e != null ? e : r.statusCode())));
            } else {
                retries.incrementAndGet();
                long delay = Math.min(5_000, 1_000L * (attempt + 1));
                timer.schedule(() -> post(http, timer, base, d, attempt + 1, codes, ioErrors, retries, done, deadline),
                        delay, TimeUnit.MILLISECONDS);
            }
        });
    }
}
