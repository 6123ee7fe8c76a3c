package com.booqing.whatsapp.reliability.outbound;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.reliability.outbound.Load.Published;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, "a noisy neighbour: one tenant's API server accepts and never answers → other tenants' send latency
 * stays within 20 % of normal". Three quiet tenants and a neighbour, each with one Cloud API number, share one
 * sender; all four send throughout. The run alternates normal phases and noisy phases, in which the neighbour's
 * server accepts every request and never answers (the simulator's {@code hang} fault); alternating keeps slow drifts
 * of a shared machine out of the comparison. A quiet command's send latency is the time from its publication to
 * the provider receiving its request (both read from this JVM's clock, to the microsecond); the medians of the
 * quiet tenants' latencies in the two kinds of phase are compared. The neighbour's sends must really have hung,
 * and every quiet command must be sent exactly once.
 */
@KafkaAndRedis
class NoisyNeighbourIT {
    private static final int QUIET_TENANTS = 3;
    /** Per second: three quiet commands (one per quiet tenant) for each neighbour command. */
    private static final int SENDS_PER_SECOND = 40;
    private static final int NEIGHBOUR_TIMEOUT_MS = 2_000;
    private static final double TOLERANCE = 1.20;
    private static final Duration WARM_UP = Duration.ofSeconds(2);

    @Test
    void aTenantWhoseApiServerNeverAnswersLeavesOtherTenantsSendLatencyWithinTwentyPercent(Infra infra)
            throws Exception {
        int rounds = Scale.neighbourRounds();
        Duration phase = Duration.ofSeconds(Scale.neighbourPhaseSeconds());
        try (OutboundStage stage = new OutboundStage(infra)) {
            List<String> quietTenants = new ArrayList<>();
            Map<String, Endpoint> endpointOf = new HashMap<>();
            for (int i = 0; i < QUIET_TENANTS; i++) {
                String t = stage.tenant("quiet");
                Endpoint e = stage.cloud(t, "number", true);
                stage.configure(t, e.id(), true, 5_000);
                quietTenants.add(t);
                endpointOf.put(t, e);
            }
            String neighbour = stage.tenant("neighbour");
            Endpoint hung = stage.cloud(neighbour, "number", true);
            stage.configure(neighbour, hung.id(), true, NEIGHBOUR_TIMEOUT_MS);
            stage.startSender(OutboundStage.settings(), new SimpleMeterRegistry());
            List<String> recipients = OutboundStage.recipients(400);
            int[] n = {0};
            IntFunction<SendCommand> next = i -> {
                int k = n[0]++;
                String tenant = k % 4 == 3 ? neighbour : quietTenants.get(k % 4);
                return stage.text(tenant, recipients.get(k % recipients.size()), "Appointment " + k);
            };

            List<String> all = new ArrayList<>(quietTenants);
            all.add(neighbour);
            stage.warmUp(all, 5);
            List<Published> warm = Load.paced(stage, SENDS_PER_SECOND, WARM_UP, next);
            assertThat(stage.results.awaitAll(warm.stream().map(Published::messageId).toList(),
                    Duration.ofSeconds(60))).as("warm-up commands without a result").isZero();
            List<Published> normal = new ArrayList<>();
            List<Published> noisy = new ArrayList<>();
            List<Published> everything = new ArrayList<>();
            try {
                for (int round = 0; round < rounds; round++) {
                    stage.simulator.fault(hung.id(), Fault.none());
                    normal.addAll(Load.paced(stage, SENDS_PER_SECOND, phase, next));
                    stage.simulator.fault(hung.id(), Fault.hang());
                    noisy.addAll(Load.paced(stage, SENDS_PER_SECOND, phase, next));
                }
            } finally {
                stage.simulator.fault(hung.id(), Fault.none());
            }
            everything.addAll(normal);
            everything.addAll(noisy);
            List<String> quietIds = everything.stream().filter(p -> !p.command().tenantId().equals(neighbour))
                    .map(Published::messageId).toList();
            assertThat(stage.results.awaitAll(quietIds, Duration.ofSeconds(60))).as("quiet commands without a result")
                    .isZero();

            Map<String, RecordedRequest> received = new HashMap<>();
            for (Endpoint e : endpointOf.values()) {
                stage.sendsByMessage(e).forEach((id, requests) -> {
                    assertThat(requests).as("%s reached its provider once", id).hasSize(1);
                    received.put(id, requests.get(0));
                });
            }
            for (String id : quietIds) {
                SendResult r = stage.results.first(id).result();
                assertThat(r.outcome()).as("%s: %s", id, r.reason()).isEqualTo(SendResult.Outcome.SENT);
                assertThat(stage.results.of(id)).hasSize(1);
            }
            long hungSends = stage.simulator.requests(hung.id()).stream().filter(r -> r.fault().equals("hang"))
                    .count();
            assertThat(hungSends).as("the neighbour's sends that hung").isPositive();

            List<Double> normalMs = latencies(normal, neighbour, received);
            List<Double> noisyMs = latencies(noisy, neighbour, received);
            double normalMedian = percentile(normalMs, 50);
            double noisyMedian = percentile(noisyMs, 50);
            System.out.printf("[reliability] noisy neighbour: %d rounds of %d s normal + %d s with the neighbour's "
                            + "server hung, %d sends/s (3/4 quiet tenants, 1/4 neighbour, its timeout %d ms); %d "
                            + "neighbour sends hung; quiet send latency (publish -> provider) median %.2f ms normal vs "
                            + "%.2f ms noisy (x%.2f), p90 %.2f vs %.2f ms, over %d and %d sends%n",
                    rounds, phase.toSeconds(), phase.toSeconds(), SENDS_PER_SECOND, NEIGHBOUR_TIMEOUT_MS, hungSends,
                    normalMedian, noisyMedian, noisyMedian / normalMedian, percentile(normalMs, 90),
                    percentile(noisyMs, 90), normalMs.size(), noisyMs.size());
            assertThat(noisyMedian).as("quiet tenants' median send latency with the neighbour hung, against normal "
                    + "(%.2f ms)", normalMedian).isLessThanOrEqualTo(normalMedian * TOLERANCE);
        }
    }

    /** Publication to the provider's receipt of the request, in ms, for the quiet tenants' commands. */
    private static List<Double> latencies(List<Published> phase, String neighbour,
                                          Map<String, RecordedRequest> received) {
        List<Double> ms = new ArrayList<>();
        for (Published p : phase) {
            if (p.command().tenantId().equals(neighbour)) {
                continue;
            }
            RecordedRequest r = received.get(p.messageId());
            assertThat(r).as("%s reached its provider", p.messageId()).isNotNull();
            ms.add(Duration.between(p.instant(), r.receivedAt()).toNanos() / 1e6);
        }
        return ms;
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }
}
