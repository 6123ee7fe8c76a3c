package com.booqing.whatsapp.reliability.inbound;

import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.reliability.harness.Await;
import com.booqing.whatsapp.reliability.harness.FaultProxy;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis disappears for the processor (a {@link FaultProxy} in front of it turns into a black hole: connections
 * hang, nothing answers) while webhooks keep arriving on the raw topic; then it comes back. Outage length:
 * {@code -Dreliability.redis.outageSeconds} (default 10; 30 under {@code -Preliability}).
 */
@ExtendWith(InfraExtension.class)
class RedisOutageIT {

    @Test
    void nothingIsLostAndRedisConvergesOnTheOracleAfterARedisOutageUnderLoad(Infra infra) {
        int outageSeconds = Integer.getInteger("reliability.redis.outageSeconds", 10);
        int webhooks = Integer.getInteger("reliability.redis.webhooks", 900);
        InboundLoad load = InboundLoad.generate(Names.random(3), 3, webhooks, 0.05, 7);
        Topics topics = infra.newTopics(3);
        RedisKeys keys = infra.newRedisKeys();
        JedisPooled redis = infra.redis();
        String encryption = TenantSeed.newEncryptionKeys();
        TenantSeed.seed(infra.bootstrapServers(), topics, encryption,
                load.tenants.stream().map(t -> t.endpoint("http://127.0.0.1:9/unused")).toList());
        URI real = infra.redisUri();
        Path run = Project.runDir("redis-outage");
        List<InboundLoad.Delivery> before = load.deliveries.subList(0, webhooks / 3);
        List<InboundLoad.Delivery> during = load.deliveries.subList(webhooks / 3, webhooks);
        try (FaultProxy proxy = FaultProxy.start(real.getHost(), real.getPort());
             RawReplay replay = new RawReplay(infra.bootstrapServers(), topics.webhooksRaw().name())) {
            String viaProxy = real.getScheme() + "://" + (real.getRawUserInfo() == null ? "" : real.getRawUserInfo() + "@")
                    + "127.0.0.1:" + proxy.port() + (real.getRawPath() == null ? "" : real.getRawPath());
            Map<String, String> env = ServiceJvm.baseEnv(infra.bootstrapServers(), viaProxy, Names.prefixOf(topics),
                    keys.namespace(), encryption);
            try (ServiceJvm processor = ServiceJvm.start(Service.PROCESSOR, "processor", env, run)) {
                processor.awaitReady(Duration.ofSeconds(120));
                replay.send(before);
                long beforeEvents = distinct(before);
                Await.until(Duration.ofSeconds(90), () -> load.appliedEventTotal(redis, keys) >= beforeEvents,
                        () -> "first third in Redis: " + load.appliedEventTotal(redis, keys) + "/" + beforeEvents);
                long appliedAtOutage = load.appliedEventTotal(redis, keys);

                proxy.blackHole();
                long outageStart = System.nanoTime();
                // The rest arrives spread over the outage, as live traffic would.
                int slices = Math.max(1, outageSeconds);
                for (int s = 0; s < slices; s++) {
                    int from = s * during.size() / slices;
                    int to = (s + 1) * during.size() / slices;
                    replay.send(during.subList(from, to));
                    long due = outageStart + Duration.ofSeconds(s + 1).toNanos();
                    Sleep.millis(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                }
                long appliedDuringOutage = load.appliedEventTotal(redis, keys);
                assertThat(appliedDuringOutage).as("nothing reaches Redis through the black hole")
                        .isEqualTo(appliedAtOutage);
                assertThat(processor.isAlive()).as("processor survives the outage").isTrue();

                proxy.pass();
                long back = System.nanoTime();
                Await.until(Duration.ofSeconds(120), Duration.ofMillis(250),
                        () -> load.differences(redis, keys).isEmpty(),
                        () -> "Redis converging after the outage: "
                                + load.differences(redis, keys).stream().limit(10).toList() + "\n" + processor.logTail(30));
                double convergeSeconds = (System.nanoTime() - back) / 1e9;
                Sleep.millis(2_000);
                assertThat(load.differences(redis, keys)).as("Redis against the oracle").isEmpty();
                assertThat(processor.starts()).as("the processor never restarted").isEqualTo(1);
                assertThat(processor.isAlive()).isTrue();
                System.out.printf("redis-outage: %d s black hole, %d deliveries (%d repeats, %d during the outage),"
                                + " %d distinct events; converged %.1f s after Redis came back%n", outageSeconds,
                        load.deliveries.size(), load.repeats(), during.size(), load.uniqueEventTotal(), convergeSeconds);
            }
        } finally {
            infra.deleteKeys(keys);
        }
    }

    private static long distinct(List<InboundLoad.Delivery> deliveries) {
        return InboundLoad.distinctEvents(deliveries);
    }
}
