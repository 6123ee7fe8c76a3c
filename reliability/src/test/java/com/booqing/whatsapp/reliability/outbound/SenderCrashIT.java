package com.booqing.whatsapp.reliability.outbound;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.reliability.harness.Names;
import com.booqing.whatsapp.reliability.harness.Project;
import com.booqing.whatsapp.reliability.harness.Service;
import com.booqing.whatsapp.reliability.harness.ServiceJvm;
import com.booqing.whatsapp.reliability.outbound.Load.Published;
import com.booqing.whatsapp.sender.SendHandler;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, "sender crash between the provider's answer and the commit, 5 times under load → nothing already sent is
 * sent again except ambiguous ones, which are counted". The sender runs as a child JVM (the harness's
 * {@link ServiceJvm}) and is killed with SIGKILL while commands keep arriving. The provider answers each send after
 * 150 ms, so at every kill some sends are at the provider, some answered and not yet recorded, some recorded and not
 * yet published, some published and not yet committed — the restarted sender re-reads everything after the last
 * commit. The oracle, per published command: it reached the provider at most once (nothing is ever sent twice);
 * it has at least one result and all its results agree (a result may be published again, identically, after a
 * crash); {@code sent} means it reached the provider exactly once; the only other outcome allowed is
 * {@code failed}/{@code ambiguous} — the command was claimed by a sender that died before recording the answer, so
 * it may have gone out — and those are the ones counted (in the result, and in the restarted sender's
 * {@code possible.duplicates{reason=interrupted}}).
 *
 * <p>The sender is a static group member ({@code SENDER_INSTANCE_ID}, kept across restarts, as a StatefulSet pod's
 * name would be): the restarted instance takes its partitions back at once instead of waiting for the killed member's
 * session to time out (45 s), and the test prints how long after each kill the provider saw the next send. Only the
 * recipients whose send was interrupted wait longer, for that claim's idempotency lease. The default build kills
 * once; {@code -Preliability} kills 5 times.
 */
@KafkaAndRedis
class SenderCrashIT {
    private static final int SENDS_PER_SECOND = 40;
    private static final Duration ANSWER_DELAY = Duration.ofMillis(150);
    private static final Duration READY = Duration.ofSeconds(120);
    /** Lease of an interrupted claim (~21 s with the 5 s margin) + catching up, on a loaded machine, with room to spare. */
    private static final Duration SETTLE = Duration.ofSeconds(240);
    private static final int RECIPIENTS = 300;
    private static final Pattern INTERRUPTED_METRIC = Pattern.compile(
            "whatsapp_sender_possible_duplicates_total\\{[^}]*reason=\"interrupted\"[^}]*\\} ([0-9.Ee+-]+)");

    @Test
    void killingTheSenderUnderLoadNeverSendsAMessageTwiceAndCountsTheInterruptedOnes(Infra infra) throws Exception {
        int kills = Scale.crashKills();
        try (OutboundStage stage = new OutboundStage(infra)) {
            String tenant = stage.tenant("crash");
            Endpoint number = stage.cloud(tenant, "number", true);
            stage.configure(tenant, number.id(), false, 5_000);
            stage.simulator.fault(number.id(), Fault.slow(ANSWER_DELAY));
            Map<String, String> env = ServiceJvm.baseEnv(infra.bootstrapServers(), infra.redisUrl(),
                    Names.prefixOf(stage.topics), stage.keys.namespace(), stage.encryptionKeys());
            env.putAll(OutboundStage.settings());
            // No retries and a 5 s margin (both instances share this machine's clock): keeps the idempotency lease
            // of an interrupted send (its longest processing + a call timeout + the margin) short, and that lease
            // is what its recipient waits for after the restart.
            env.put("WHATSAPP_DEFAULT_RETRIES", "0");
            env.put("SENDER_LEASE_MARGIN_MS", "5000");
            env.put("SENDER_GROUP_ID", stage.senderGroup());
            env.put("SENDER_INSTANCE_ID", infra.uniqueId("sender"));
            Path run = Project.runDir("sender-crash");
            List<String> recipients = OutboundStage.recipients(RECIPIENTS);
            List<Published> published = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicInteger n = new AtomicInteger();
            List<Long> killedAt = new ArrayList<>();
            List<Long> resumedAfterMs = new ArrayList<>();
            double interruptedCountedByLastInstance;

            try (ServiceJvm sender = ServiceJvm.start(Service.SENDER, "sender", env, run)) {
                sender.awaitReady(READY);
                CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                    // Bounded by the test: it stops loading before it settles; one second of load per pass.
                    while (loading.get()) {
                        try {
                            published.addAll(Load.paced(stage, SENDS_PER_SECOND, Duration.ofSeconds(1), i -> {
                                int k = n.getAndIncrement();
                                return stage.text(tenant, recipients.get(k % RECIPIENTS), "Visit " + k);
                            }));
                        } catch (Exception e) {
                            throw new IllegalStateException("load failed", e);
                        }
                    }
                });
                try {
                    for (int kill = 0; kill < kills; kill++) {
                        awaitSends(stage, number, 2 * SENDS_PER_SECOND, sender);
                        sender.kill9();
                        Instant killed = Instant.now();
                        killedAt.add(killed.toEpochMilli());
                        sender.restart().awaitReady(READY);
                        // Received after the new JVM was ready: not a request the killed one had on the wire.
                        Instant resumed = awaitRequestAfter(stage, number, Instant.now(), sender);
                        resumedAfterMs.add(Duration.between(killed, resumed).toMillis());
                    }
                    awaitSends(stage, number, 2 * SENDS_PER_SECOND, sender);
                } finally {
                    loading.set(false);
                    load.get(30, TimeUnit.SECONDS);
                }
                List<String> ids = published.stream().map(Published::messageId).toList();
                assertThat(stage.results.awaitAll(ids, SETTLE)).as("commands without a result").isZero();
                interruptedCountedByLastInstance = scrapeInterrupted(sender);
            }

            Map<String, List<RecordedRequest>> atProvider = stage.sendsByMessage(number);
            List<String> problems = new ArrayList<>();
            int sent = 0;
            int interrupted = 0;
            int interruptedButReceived = 0;
            int republished = 0;
            for (Published p : published) {
                String id = p.messageId();
                List<Results.Entry> results = stage.results.of(id);
                int requests = atProvider.getOrDefault(id, List.of()).size();
                if (requests > 1) {
                    problems.add(id + " reached the provider " + requests + " times");
                }
                SendResult first = results.get(0).result();
                for (Results.Entry again : results.subList(1, results.size())) {
                    SendResult r = again.result();
                    if (r.outcome() != first.outcome() || !Objects.equals(r.errorCode(), first.errorCode())
                            || !Objects.equals(r.providerMessageId(), first.providerMessageId())) {
                        problems.add(id + " has different results: " + first + " then " + r);
                    }
                }
                republished += results.size() > 1 ? 1 : 0;
                if (first.outcome() == SendResult.Outcome.SENT) {
                    sent++;
                    if (requests != 1) {
                        problems.add(id + " reported sent but reached the provider " + requests + " times");
                    }
                } else if (first.outcome() == SendResult.Outcome.FAILED
                        && SendHandler.AMBIGUOUS.equals(first.errorCode())
                        && first.reason() != null && first.reason().contains("interrupted")) {
                    interrupted++;
                    interruptedButReceived += requests;
                } else {
                    problems.add(id + ": " + first.outcome() + " " + first.errorCode() + " " + first.reason());
                }
            }
            assertThat(problems).as("commands that broke the oracle").isEmpty();
            assertThat(atProvider.keySet()).as("nothing reached the provider that was not published")
                    .isSubsetOf(published.stream().map(Published::messageId).toList());
            System.out.printf("[reliability] sender crash: kill -9 x%d under %d sends/s (provider answers in %d ms); "
                            + "the restarted sender sent again %s ms after each kill (JVM start included); "
                            + "%d commands: %d sent exactly once, %d ambiguous (interrupted; %d of them had reached the "
                            + "provider, %d had not), 0 sent twice; %d results published again identically; the "
                            + "last instance counted %.0f possible duplicates (interrupted)%n",
                    kills, SENDS_PER_SECOND, ANSWER_DELAY.toMillis(), resumedAfterMs, published.size(), sent,
                    interrupted,
                    interruptedButReceived, interrupted - interruptedButReceived, republished,
                    interruptedCountedByLastInstance);
        }
    }

    /** Waits until the provider has received {@code more} sends beyond what it had: the sender is under load. */
    private static void awaitSends(OutboundStage stage, Endpoint number, int more, ServiceJvm sender)
            throws InterruptedException {
        awaitRequests(stage, number, stage.simulator.requests(number.id()).size() + more, sender);
    }

    /** Waits for the first send the provider receives after {@code from}; returns when it was received. */
    private static Instant awaitRequestAfter(OutboundStage stage, Endpoint number, Instant from, ServiceJvm sender)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            Optional<Instant> first = stage.simulator.requests(number.id()).stream().map(RecordedRequest::receivedAt)
                    .filter(at -> at.isAfter(from)).min(Instant::compareTo);
            if (first.isPresent()) {
                return first.get();
            }
            assertThat(System.nanoTime()).as("the sender sends again within 120 s; its log:%n%s",
                    sender.logTail(40)).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Waits until the provider has received {@code total} sends in all. */
    private static void awaitRequests(OutboundStage stage, Endpoint number, int total, ServiceJvm sender)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (stage.simulator.requests(number.id()).size() < total) {
            assertThat(System.nanoTime()).as("the sender sends again within 120 s; its log:%n%s",
                    sender.logTail(40)).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The sender's own count of interrupted sends, from its Prometheus scrape. */
    private static double scrapeInterrupted(ServiceJvm sender) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String body = http.send(HttpRequest.newBuilder(URI.create(sender.baseUrl() + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = INTERRUPTED_METRIC.matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
