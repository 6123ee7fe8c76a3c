package com.booqing.whatsapp.reliability.outbound;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.reliability.outbound.Load.Published;
import com.booqing.whatsapp.sender.SendHandler;
import com.booqing.whatsapp.sender.SenderMetrics;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, "primary endpoint refusing connections for 60 s at 100 sends/s → every command sent once, by the backup".
 * One tenant, two Cloud API numbers, failover on. Commands are published at a steady rate before, during and after
 * an outage of the primary (the simulator's {@code dark} fault: its port refuses connections). The primary stays
 * down until the sender has a result for every command published during the outage (a loaded machine may leave the
 * sender behind its load; the outage must cover the commands it is about). The oracle is the input: every published
 * command must reach exactly one provider exactly once, have exactly one result, and — when it was published while
 * the primary was down — have gone out through the backup before the primary came back. The one exception is what
 * was in flight at the primary at the instant it went down: the simulator stops its listener abruptly, as a crashed
 * server would, so such a send has no answer and is ambiguous (the provider may have taken it). Those must be
 * reported {@code ambiguous}, counted as possible duplicates and never sent again, through either number; the figure
 * is printed (typically 0-2).
 * Per-recipient order is checked too: the provider saw each recipient's messages in the order they were published,
 * across the failover and the failback.
 */
@KafkaAndRedis
class PrimaryOutageIT {
    private static final Duration BEFORE = Duration.ofSeconds(2);
    private static final Duration AFTER = Duration.ofSeconds(3);
    /** The longest the sender may take to catch up with the outage's commands, beyond the outage's 4 x. */
    private static final Duration CATCH_UP = Duration.ofSeconds(120);
    /** How long after the listener stopped a send it cut off may still be reported (a loaded machine is slow). */
    private static final long IN_FLIGHT_SLACK_MS = 2_000;
    private static final int RECIPIENTS = 200;

    @Test
    void everyCommandIsSentExactlyOnceAndByTheBackupWhileThePrimaryRefusesConnections(Infra infra) throws Exception {
        int rate = Scale.sendsPerSecond();
        Duration outage = Duration.ofSeconds(Scale.outageSeconds());
        try (OutboundStage stage = new OutboundStage(infra)) {
            String tenant = stage.tenant("outage");
            Endpoint primary = stage.cloud(tenant, "primary", true);
            Endpoint backup = stage.cloud(tenant, "backup", false);
            stage.configure(tenant, primary.id(), true, 5_000);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            stage.startSender(OutboundStage.settings(), meters);
            List<String> recipients = OutboundStage.recipients(RECIPIENTS);
            int[] n = {0};
            IntFunction<SendCommand> next = i -> {
                int k = n[0]++;
                return stage.text(tenant, recipients.get(k % RECIPIENTS), "Booking " + k);
            };

            List<Published> before = new ArrayList<>(stage.warmUp(List.of(tenant), 10));
            before.addAll(Load.paced(stage, rate, BEFORE, next));
            long darkAt = System.currentTimeMillis();
            stage.simulator.fault(primary.id(), Fault.dark());
            // The listener has stopped: whatever was in flight at the primary has been cut off by now.
            long darkDoneAt = System.currentTimeMillis();
            List<Published> during;
            long backAt;
            long caughtUpAt;
            try {
                during = Load.paced(stage, rate, outage, next);
                Duration catchUp = CATCH_UP.plus(outage.multipliedBy(4));
                assertThat(stage.results.awaitAll(during.stream().map(Published::messageId).toList(), catchUp))
                        .as("outage commands without a result after %s", catchUp).isZero();
                caughtUpAt = System.currentTimeMillis();
            } finally {
                stage.simulator.fault(primary.id(), Fault.none());
                backAt = System.currentTimeMillis();
            }
            List<Published> after = Load.paced(stage, rate, AFTER, next);
            List<Published> all = new ArrayList<>(before);
            all.addAll(during);
            all.addAll(after);
            List<String> ids = all.stream().map(Published::messageId).toList();

            assertThat(stage.results.awaitAll(ids, Duration.ofSeconds(60))).as("commands without a result").isZero();

            Map<String, List<RecordedRequest>> atPrimary = stage.sendsByMessage(primary);
            Map<String, List<RecordedRequest>> atBackup = stage.sendsByMessage(backup);
            // Nothing reached a provider that was not published.
            Set<String> published = new HashSet<>(ids);
            assertThat(published).containsAll(atPrimary.keySet()).containsAll(atBackup.keySet());

            List<String> problems = new ArrayList<>();
            List<String> cutOff = new ArrayList<>();
            int viaBackup = 0;
            long firstBackupSend = Long.MAX_VALUE;
            long worstDuringOutage = 0;
            for (Published p : all) {
                String id = p.messageId();
                List<Results.Entry> results = stage.results.of(id);
                List<RecordedRequest> p1 = atPrimary.getOrDefault(id, List.of());
                List<RecordedRequest> b1 = atBackup.getOrDefault(id, List.of());
                if (results.size() != 1) {
                    problems.add(id + ": " + results.size() + " results");
                    continue;
                }
                SendResult r = results.get(0).result();
                boolean inFlightWhenItWentDown = r.completedAt() != null
                        && r.completedAt().toEpochMilli() <= darkDoneAt + IN_FLIGHT_SLACK_MS
                        && p.at() <= darkDoneAt && primary.id().equals(r.endpointId());
                if (inFlightWhenItWentDown && r.outcome() == SendResult.Outcome.FAILED
                        && SendHandler.AMBIGUOUS.equals(r.errorCode())) {
                    if (p1.size() > 1 || !b1.isEmpty()) {
                        problems.add(id + " (cut off as the primary went down): sent again, primary " + p1.size()
                                + "x, backup " + b1.size() + "x");
                    }
                    cutOff.add(id + (p1.isEmpty() ? " (not received)" : " (received)"));
                    continue;
                }
                if (r.outcome() != SendResult.Outcome.SENT) {
                    problems.add(id + " published at +" + (p.at() - darkAt) + " ms: " + r.outcome() + " "
                            + r.errorCode() + " " + r.reason() + "; primary received it " + p1.size()
                            + "x, backup " + b1.size() + "x");
                    continue;
                }
                if (p1.size() + b1.size() != 1) {
                    problems.add(id + ": reached the primary " + p1.size() + "x and the backup " + b1.size() + "x");
                    continue;
                }
                Endpoint used = p1.isEmpty() ? backup : primary;
                if (!used.id().equals(r.endpointId())) {
                    problems.add(id + ": result names " + r.endpointId() + " but " + used.name() + " received it");
                }
                if (used == backup) {
                    viaBackup++;
                    firstBackupSend = Math.min(firstBackupSend, b1.get(0).receivedAt().toEpochMilli());
                }
                boolean publishedWhileDown = p.at() >= darkAt && p.at() < backAt;
                if (publishedWhileDown) {
                    worstDuringOutage = Math.max(worstDuringOutage, results.get(0).timestamp() - p.at());
                    if (used != backup || b1.get(0).receivedAt().toEpochMilli() >= backAt) {
                        problems.add(id + " published while the primary was down went through " + used.name()
                                + " at +" + ((used == backup ? b1 : p1).get(0).receivedAt().toEpochMilli() - darkAt)
                                + " ms (primary back at +" + (backAt - darkAt) + " ms)");
                    }
                }
            }
            assertThat(problems).as("commands that broke the oracle").isEmpty();
            // From the moment its listener stopped: a request that reached the primary while it was going down
            // (Jetty's stop lets requests in progress finish) was answered, and the oracle above holds it to
            // exactly one delivery like any other.
            assertThat(atPrimary.values().stream().flatMap(List::stream)
                    .filter(r -> r.receivedAt().toEpochMilli() > darkDoneAt
                            && r.receivedAt().toEpochMilli() < backAt))
                    .as("the primary received nothing once dark").isEmpty();
            assertPerRecipientOrder(all, atPrimary, atBackup);

            double failovers = OutboundStage.count(meters, SenderMetrics.FAILOVERS);
            double duplicates = OutboundStage.count(meters, SenderMetrics.POSSIBLE_DUPLICATES);
            System.out.printf("[reliability] primary outage: load %d sends/s, primary dark %d ms (%d s of load + %d ms "
                            + "for the sender to catch up); published %d (%d before, %d during, %d after); %d "
                            + "sent exactly once, %d through the backup; first backup send %d ms after the primary went "
                            + "dark; worst command-to-result during the outage %d ms; %.0f immediate failovers; %.0f "
                            + "possible duplicates (%d sends cut off in flight, ambiguous, not sent again)%n",
                    rate, backAt - darkAt, outage.toSeconds(), caughtUpAt - (during.get(during.size() - 1).at()),
                    all.size(), before.size(), during.size(), after.size(), all.size() - cutOff.size(), viaBackup,
                    firstBackupSend - darkAt, worstDuringOutage, failovers, duplicates, cutOff.size());
            System.out.println("[reliability] primary outage: cut off in flight as the primary went down: " + cutOff);
            assertThat(duplicates).as("possible duplicates = the ambiguous sends cut off").isEqualTo(cutOff.size());
        }
    }

    /** Each recipient's messages reached the providers (either) in the order they were published. */
    private static void assertPerRecipientOrder(List<Published> all, Map<String, List<RecordedRequest>> atPrimary,
                                                Map<String, List<RecordedRequest>> atBackup) {
        Map<String, List<String>> publishedOrder = new LinkedHashMap<>();
        Map<String, String> recipientOf = new LinkedHashMap<>();
        for (Published p : all) {
            // A send cut off before it reached the primary was never received anywhere (checked above).
            if (atPrimary.containsKey(p.messageId()) || atBackup.containsKey(p.messageId())) {
                publishedOrder.computeIfAbsent(p.command().to(), k -> new ArrayList<>()).add(p.messageId());
            }
            recipientOf.put(p.messageId(), p.command().to());
        }
        List<RecordedRequest> received = new ArrayList<>();
        atPrimary.values().forEach(received::addAll);
        atBackup.values().forEach(received::addAll);
        received.sort(Comparator.comparing(RecordedRequest::receivedAt));
        Map<String, List<String>> receivedOrder = new LinkedHashMap<>();
        for (RecordedRequest r : received) {
            String id = OutboundStage.messageId(r);
            receivedOrder.computeIfAbsent(recipientOf.get(id), k -> new ArrayList<>()).add(id);
        }
        assertThat(receivedOrder).as("per-recipient order at the providers").isEqualTo(publishedOrder);
    }
}
