package com.booqing.whatsapp.reliability.outbound;

import com.booqing.whatsapp.common.endpoint.Endpoint;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, "ambiguous timeouts (10 % of sends) → no blind failover". Two tenants, each with a primary and a backup
 * Cloud API number and failover on. On tenant A's primary 10 % of the sends are processed (the message goes out)
 * but answered after the tenant's call timeout; on tenant B's primary 10 % are processed and then the connection is
 * reset. The simulator marks the requests it hit, so the oracle is exact: the set of messages whose request was hit
 * must equal the set of messages reported {@code failed}/{@code ambiguous}, each counted once as a possible
 * duplicate, none of them sent again (not on the primary, not through the backup); every other message is sent
 * exactly once through its primary. Nothing certainly failed, so the backups receive nothing at all.
 */
@KafkaAndRedis
class AmbiguousSendIT {
    private static final int PERCENT = 10;
    /** The tenants' call timeout; long enough that a loaded machine does not time out a normal answer. */
    private static final int TIMEOUT_MS = 2_000;
    /** A late answer comes this long after the request: well past the timeout. */
    private static final Duration LATE = Duration.ofMillis(3_500);
    private static final int SENDS_PER_SECOND = 50;
    private static final int RECIPIENTS = 100;

    @Test
    void ambiguousSendsAreNeitherRetriedNorFailedOverButCountedAndTheRestAreSentOnce(Infra infra) throws Exception {
        int perTenant = Scale.ambiguousCommands();
        try (OutboundStage stage = new OutboundStage(infra)) {
            Tenant late = tenant(stage, "late");
            Tenant reset = tenant(stage, "reset");
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            stage.startSender(OutboundStage.settings(), meters);
            stage.simulator.fault(late.primary.id(), Fault.slow(LATE).percent(PERCENT));
            stage.simulator.fault(reset.primary.id(), Fault.reset().percent(PERCENT));
            List<String> recipients = OutboundStage.recipients(RECIPIENTS);

            // Both tenants' commands interleaved, at the combined rate.
            List<Published> all = Load.paced(stage, 2 * SENDS_PER_SECOND,
                    Duration.ofMillis(2_000L * perTenant / (2 * SENDS_PER_SECOND)), i -> {
                        Tenant t = i % 2 == 0 ? late : reset;
                        return stage.text(t.id, recipients.get((i / 2) % RECIPIENTS), "Reminder " + i);
                    });
            assertThat(all).hasSize(2 * perTenant);
            List<String> ids = all.stream().map(Published::messageId).toList();
            Duration settle = Duration.ofSeconds(120 + all.size() / 20);
            assertThat(stage.results.awaitAll(ids, settle)).as("commands without a result").isZero();

            int ambiguous = 0;
            for (Tenant t : List.of(late, reset)) {
                List<Published> mine = all.stream().filter(p -> p.command().tenantId().equals(t.id)).toList();
                ambiguous += check(stage, t, mine);
            }
            assertThat(OutboundStage.count(meters, SenderMetrics.POSSIBLE_DUPLICATES, "reason", "timeout"))
                    .as("possible duplicates counted").isEqualTo(ambiguous);
            assertThat(OutboundStage.count(meters, SenderMetrics.POSSIBLE_DUPLICATES))
                    .as("possible duplicates of any reason").isEqualTo(ambiguous);
            assertThat(OutboundStage.count(meters, SenderMetrics.FAILOVERS)).as("failovers").isZero();
            System.out.printf("[reliability] ambiguous sends: %d commands over 2 tenants at %d sends/s; %d %% of "
                            + "sends hit (answer %d ms late with a %d ms timeout, or connection reset after "
                            + "processing): %d ambiguous results = %d possible duplicates counted, 0 sent again, "
                            + "0 failed over; %d sent exactly once%n",
                    all.size(), 2 * SENDS_PER_SECOND, PERCENT, LATE.toMillis(), TIMEOUT_MS, ambiguous,
                    ambiguous, all.size() - ambiguous);
        }
    }

    private record Tenant(String id, Endpoint primary, Endpoint backup) {
    }

    private static Tenant tenant(OutboundStage stage, String name) throws Exception {
        String id = stage.tenant(name);
        Endpoint primary = stage.cloud(id, "primary", true);
        Endpoint backup = stage.cloud(id, "backup", false);
        stage.configure(id, primary.id(), true, TIMEOUT_MS);
        return new Tenant(id, primary, backup);
    }

    /** @return how many of the tenant's commands ended ambiguous */
    private static int check(OutboundStage stage, Tenant t, List<Published> commands) {
        Map<String, List<RecordedRequest>> atPrimary = stage.sendsByMessage(t.primary);
        Map<String, List<RecordedRequest>> atBackup = stage.sendsByMessage(t.backup);
        Set<String> hit = atPrimary.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(RecordedRequest::faulted))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        // Sends are the only requests, so the simulator's even spread hits exactly every tenth.
        assertThat(hit).as("%s: requests the fault hit", t.id).hasSize(commands.size() * PERCENT / 100);
        assertThat(atBackup).as("%s: nothing certainly failed, so nothing went to the backup", t.id).isEmpty();

        List<String> problems = new ArrayList<>();
        Set<String> reportedAmbiguous = new HashSet<>();
        for (Published p : commands) {
            String id = p.messageId();
            List<Results.Entry> results = stage.results.of(id);
            List<RecordedRequest> sends = atPrimary.getOrDefault(id, List.of());
            if (results.size() != 1) {
                problems.add(id + ": " + results.size() + " results");
                continue;
            }
            SendResult r = results.get(0).result();
            if (sends.size() != 1) {
                problems.add(id + ": reached the primary " + sends.size() + " times (" + r.outcome() + ")");
                continue;
            }
            if (hit.contains(id)) {
                if (r.outcome() != SendResult.Outcome.FAILED || !SendHandler.AMBIGUOUS.equals(r.errorCode())) {
                    problems.add(id + " (hit by " + sends.get(0).fault() + "): " + r.outcome() + " " + r.errorCode()
                            + " " + r.reason());
                }
                reportedAmbiguous.add(id);
            } else if (r.outcome() != SendResult.Outcome.SENT || !t.primary.id().equals(r.endpointId())) {
                problems.add(id + " (not hit): " + r.outcome() + " " + r.errorCode() + " " + r.reason() + " via "
                        + r.endpointId());
            }
        }
        assertThat(problems).as("%s: commands that broke the oracle", t.id).isEmpty();
        return reportedAmbiguous.size();
    }
}
