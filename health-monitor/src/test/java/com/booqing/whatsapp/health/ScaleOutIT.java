package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@KafkaAndRedis
class ScaleOutIT {
    private static final Duration INTERVAL = Duration.ofMillis(200);
    /** Long enough for every endpoint to be probed several times by whoever owns it. */
    private static final Duration WINDOW = INTERVAL.multipliedBy(5);

    /** Remembers which endpoints it was asked to probe, then probes them for real. */
    private static final class Recording implements EndpointProbe {
        private final EndpointProbe real;
        private final Set<String> probed = ConcurrentHashMap.newKeySet();

        Recording(EndpointProbe real) {
            this.real = real;
        }

        @Override
        public ProviderType provider() {
            return real.provider();
        }

        @Override
        public CompletableFuture<ProbeResult> probe(Endpoint endpoint, String secretApiKey, Duration timeout) {
            probed.add(endpoint.id());
            return real.probe(endpoint, secretApiKey, timeout);
        }

        /** What was probed since the last call. */
        Set<String> drain() {
            Set<String> out = new HashSet<>(probed);
            probed.removeAll(out);
            return out;
        }
    }

    @Test
    void twoMonitorInstancesSplitEndpointsAndOneTakesOverWhenTheOtherStops(Infra infra) throws Exception {
        try (Simulator simulator = new Simulator(SimulatorConfig.defaults()).start(0);
             Fixture fx = new Fixture(infra)) {
            int partitions = fx.topics.endpoints().partitions();
            // Two endpoints per partition, so both instances have endpoints whatever the split.
            String tenant = infra.uniqueId("tenant");
            List<String> ids = new ArrayList<>();
            int[] perPartition = new int[partitions];
            while (ids.size() < 2 * partitions) {
                String id = infra.uniqueId("ep");
                int p = Ownership.partitionOf(id, partitions);
                if (perPartition[p] < 2) {
                    perPartition[p]++;
                    ids.add(id);
                    SimEndpoint sim = simulator.registerCloudApi(id, Fixture.PHONE_NUMBER_ID, Fixture.token(id),
                            Fixture.APP_SECRET, null);
                    fx.endpoint(tenant, id, ProviderType.CLOUD_API, sim.apiUrl(), null, ids.size() == 1, 1);
                }
            }
            HealthSettings settings = new HealthSettings(INTERVAL, HealthTracker.Thresholds.DEFAULT);
            Recording a = new Recording(Fixture.standardProbes().get(0));
            Recording b = new Recording(Fixture.standardProbes().get(0));
            HealthMonitor first = fx.monitor(settings, List.of(a), 1000);
            try (HealthMonitor second = fx.monitor(settings, List.of(b), 1000)) {
                try {
                    await().atMost(Fixture.WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                            .until(() -> {
                                a.drain();
                                b.drain();
                                Thread.sleep(WINDOW.toMillis());
                                Set<String> byA = a.drain();
                                Set<String> byB = b.drain();
                                Set<String> both = new HashSet<>(byA);
                                both.addAll(byB);
                                return !byA.isEmpty() && !byB.isEmpty() && both.equals(Set.copyOf(ids))
                                        && byA.stream().noneMatch(byB::contains);
                            });
                } finally {
                    first.close();
                }
                await().atMost(Fixture.WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                        .until(() -> {
                            b.drain();
                            Thread.sleep(WINDOW.toMillis());
                            return b.drain().equals(Set.copyOf(ids));
                        });
                assertThat(ids).allMatch(second::owns);
            }
        }
    }
}
