package com.booqing.whatsapp.reliability.inbound;

import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.processor.projection.RedisProjector;
import com.booqing.whatsapp.reliability.harness.Await;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the processor during a replay of raw webhooks. The Redis writer (the projector) is a thread of the
 * processor JVM, not a process of its own, so "killing the Redis writer" means killing the processor JVM at a
 * moment its projector is writing (Redis offsets moving); the processor kills are taken while Streams is
 * processing the replay. Every kill falls inside a batch: the test writes the replay in chunks and kills once
 * Redis shows part, not all, of the current chunk.
 *
 * <p>Sizes: {@code -Dreliability.crash.webhooks} (default 600; 50,000 under {@code -Preliability}),
 * {@code -Dreliability.crash.processorKills} (default 1; 5) and {@code -Dreliability.crash.writerKills}
 * (default 1; 3). The processor runs as a static group member (PROCESSOR_INSTANCE_ID, kept across restarts, as
 * a StatefulSet pod keeps its name), so the restarted instance takes its partitions back as soon as it is up instead
 * of waiting for the killed one's 45 s session to expire.
 */
@ExtendWith(InfraExtension.class)
class ProcessorCrashIT {
    private static final Duration READY = Duration.ofSeconds(120);

    @Test
    void redisEndsIdenticalToTheOracleWhenTheProcessorAndItsRedisWriterAreKilledDuringAReplay(Infra infra) {
        int webhooks = Integer.getInteger("reliability.crash.webhooks", 600);
        int processorKills = Integer.getInteger("reliability.crash.processorKills", 1);
        int writerKills = Integer.getInteger("reliability.crash.writerKills", 1);
        String runId = Names.random(3);
        InboundLoad load = InboundLoad.generate(runId, 3, webhooks, 0.05, 42);
        Topics topics = infra.newTopics(3);
        RedisKeys keys = infra.newRedisKeys();
        JedisPooled redis = infra.redis();
        String encryption = TenantSeed.newEncryptionKeys();
        TenantSeed.seed(infra.bootstrapServers(), topics, encryption,
                load.tenants.stream().map(t -> t.endpoint("http://127.0.0.1:9/unused")).toList());
        Path run = Project.runDir("processor-crash");
        Map<String, String> env = ServiceJvm.baseEnv(infra.bootstrapServers(), infra.redisUrl(),
                Names.prefixOf(topics), keys.namespace(), encryption);
        env.put("PROCESSOR_INSTANCE_ID", "processor-" + runId);

        int kills = processorKills + writerKills;
        List<List<InboundLoad.Delivery>> chunks = chunks(load.deliveries, kills + 1);
        List<String> log = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ServiceJvm processor = ServiceJvm.start(Service.PROCESSOR, "processor", env, run);
             RawReplay replay = new RawReplay(infra.bootstrapServers(), topics.webhooksRaw().name())) {
            processor.awaitReady(READY);
            for (int k = 0; k < kills; k++) {
                boolean writer = k >= processorKills;
                long before = projectedRecords(redis, keys, topics);
                replay.send(chunks.get(k));
                // Inside the batch: the projector has taken about a third of this chunk's worth of events, not all of
                // it, so the kills spread over the whole replay instead of all landing at its start. (Its stored
                // offsets count every record; the tenants' event lists stop growing at their 1,000 cap.)
                long step = Math.max(2, Math.round(chunks.get(k).size() * 0.3 * load.uniqueEventTotal()
                        / load.deliveries.size()));
                Await.until(Duration.ofSeconds(240), Duration.ofMillis(writer ? 5 : 20),
                        () -> projectedRecords(redis, keys, topics) >= before + step,
                        () -> "progress before kill " + processor.logTail(30));
                long applied = projectedRecords(redis, keys, topics);
                processor.kill9();
                log.add(String.format("kill %d (%s) at %.1f s, the projector at offset sum %d of about %d events", k + 1,
                        writer ? "redis writer: projector writing" : "processor: streams processing",
                        seconds(t0), applied, load.uniqueEventTotal()));
                processor.restart();
            }
            replay.send(chunks.get(kills));
            processor.awaitReady(READY);
            Await.until(Duration.ofSeconds(240), Duration.ofMillis(250),
                    () -> load.appliedEventTotal(redis, keys) >= Math.min(load.uniqueEventTotal(), 1000L * 3)
                            && load.differences(redis, keys).isEmpty(),
                    () -> "Redis converging on the oracle: " + load.differences(redis, keys).stream().limit(10).toList()
                            + "\n" + processor.logTail(30));
            // Redelivered batches arrive after convergence if anything was going to be applied twice.
            Sleep.millis(2_000);
            List<String> diffs = load.differences(redis, keys);
            log.add(String.format("converged at %.1f s: %d deliveries (%d repeats), %d distinct events, %d kills",
                    seconds(t0), load.deliveries.size(), load.repeats(), load.uniqueEventTotal(), kills));
            log.forEach(l -> System.out.println("processor-crash: " + l));
            assertThat(diffs).as("Redis against the oracle").isEmpty();
            assertThat(processor.starts()).isEqualTo(kills + 1);
        } finally {
            infra.deleteKeys(keys);
        }
    }

    private static List<List<InboundLoad.Delivery>> chunks(List<InboundLoad.Delivery> all, int n) {
        List<List<InboundLoad.Delivery>> out = new ArrayList<>();
        int size = (all.size() + n - 1) / n;
        for (int i = 0; i < n; i++) {
            out.add(all.subList(Math.min(all.size(), i * size), Math.min(all.size(), (i + 1) * size)));
        }
        return out;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Records of the events topic the projector has applied: the sum of the offsets it stores with them. */
    private static long projectedRecords(JedisPooled redis, RedisKeys keys, Topics topics) {
        long total = 0;
        for (int p = 0; p < topics.events().partitions(); p++) {
            String stored = redis.get(keys.projectionOffset(RedisProjector.PROJECTION, topics.events().name(), p));
            total += stored == null ? 0 : Long.parseLong(stored) + 1;
        }
        return total;
    }
}
