package com.booqing.whatsapp.reliability.inbound;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
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

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two processor instances share the work; one is frozen with SIGSTOP in the middle of a batch for longer than
 * the consumer session timeout (45 s, the clients' default), the other takes its partitions over and finishes
 * the replay; then the frozen one is thawed with SIGCONT and carries on from where it stopped, with a batch it
 * believes it still owns. Its late Redis writes must be refused by the projector's offset fence and its late
 * Streams transaction by the producer fence, so Redis stays identical to the oracle.
 * Both run with a 10 s session timeout (PROCESSOR_SESSION_TIMEOUT_MS) so that the freeze need not last the default
 * 45 s. {@code -Dreliability.stall.pauseSeconds} (default 15).
 */
@ExtendWith(InfraExtension.class)
class StalledProcessorIT {
    private static final Pattern REPEATS = Pattern.compile(
            "whatsapp_projector_records_total\\{[^}]*outcome=\"repeat\"[^}]*}\\s+([0-9.eE+]+)");

    @Test
    void aStalledProcessorsLateWritesAreFencedAndRedisMatchesTheOracle(Infra infra) throws Exception {
        int pauseSeconds = Integer.getInteger("reliability.stall.pauseSeconds", 15);
        int webhooks = Integer.getInteger("reliability.stall.webhooks", 900);
        InboundLoad load = InboundLoad.generate(Names.random(3), 3, webhooks, 0.05, 11);
        Topics topics = infra.newTopics(3);
        RedisKeys keys = infra.newRedisKeys();
        JedisPooled redis = infra.redis();
        String encryption = TenantSeed.newEncryptionKeys();
        TenantSeed.seed(infra.bootstrapServers(), topics, encryption,
                load.tenants.stream().map(t -> t.endpoint("http://127.0.0.1:9/unused")).toList());
        Path run = Project.runDir("stalled-processor");
        Map<String, String> env = ServiceJvm.baseEnv(infra.bootstrapServers(), infra.redisUrl(),
                Names.prefixOf(topics), keys.namespace(), encryption);
        env.put("PROCESSOR_SESSION_TIMEOUT_MS", "10000");
        List<InboundLoad.Delivery> first = load.deliveries.subList(0, webhooks / 3);
        List<InboundLoad.Delivery> second = load.deliveries.subList(webhooks / 3, 2 * webhooks / 3);
        List<InboundLoad.Delivery> third = load.deliveries.subList(2 * webhooks / 3, webhooks);
        try (ServiceJvm a = ServiceJvm.start(Service.PROCESSOR, "processor-a", env, run);
             ServiceJvm b = ServiceJvm.start(Service.PROCESSOR, "processor-b", env, run);
             RawReplay replay = new RawReplay(infra.bootstrapServers(), topics.webhooksRaw().name())) {
            a.awaitReady(Duration.ofSeconds(120));
            b.awaitReady(Duration.ofSeconds(120));
            replay.send(first);
            long firstEvents = InboundLoad.distinctEvents(first);
            Await.until(Duration.ofSeconds(120), () -> load.appliedEventTotal(redis, keys) >= firstEvents,
                    () -> "first third in Redis " + load.appliedEventTotal(redis, keys) + "/" + firstEvents);

            // Freeze A in the middle of a batch: as soon as Redis shows part of the second third.
            long atSecond = load.appliedEventTotal(redis, keys);
            replay.send(second);
            Await.until(Duration.ofSeconds(60), Duration.ofMillis(5),
                    () -> load.appliedEventTotal(redis, keys) > atSecond, () -> "second third starting");
            a.pause();
            long pausedAt = System.nanoTime();
            replay.send(third);
            // B alone must finish everything, A's partitions included, while A is still frozen.
            Await.until(Duration.ofSeconds(pauseSeconds + 90L), Duration.ofMillis(250),
                    () -> load.differences(redis, keys).isEmpty(),
                    () -> "B taking over while A is frozen: " + load.differences(redis, keys).stream().limit(5).toList()
                            + "\n" + b.logTail(20));
            double takeover = (System.nanoTime() - pausedAt) / 1e9;
            long remaining = Duration.ofSeconds(pauseSeconds).toNanos() - (System.nanoTime() - pausedAt);
            Sleep.millis(Math.max(0, remaining / 1_000_000));
            a.resume();
            // A wakes up with its batch; give it time to try its late writes and be told it lost its partitions.
            Await.until(Duration.ofSeconds(60), Duration.ofMillis(500), () -> fenced(a) || repeats(a) > 0,
                    () -> "A reporting fenced/refused writes after SIGCONT:\n" + a.logTail(30));
            Sleep.millis(3_000);
            List<String> diffs = load.differences(redis, keys);
            System.out.printf("stalled-processor: A frozen %d s; B had everything in Redis %.1f s after the freeze;"
                            + " after SIGCONT A's log shows fencing: %s, A's projector repeats refused: %.0f;"
                            + " %d deliveries (%d repeats), %d distinct events%n", pauseSeconds, takeover, fenced(a),
                    repeats(a), load.deliveries.size(), load.repeats(), load.uniqueEventTotal());
            assertThat(diffs).as("Redis against the oracle after A's late writes").isEmpty();
            assertThat(a.isAlive() && b.isAlive()).as("both instances still running").isTrue();
        } finally {
            infra.deleteKeys(keys);
        }
    }

    /** Streams tells a zombie it was fenced (producer epoch bumped, task migrated) when its late commit fails. */
    private static boolean fenced(ServiceJvm p) {
        try {
            String log = Files.readString(p.logFile());
            return log.contains("ProducerFencedException") || log.contains("TaskMigratedException")
                    || log.contains("InvalidProducerEpochException") || log.contains("fenced");
        } catch (IOException e) {
            return false;
        }
    }

    /** Records the projector found already applied (offset at or below Redis's fence): its refused late writes. */
    private static double repeats(ServiceJvm p) {
        try {
            HttpResponse<String> r = AuditedHttpClient.create().send(HttpRequest.newBuilder(
                    URI.create(p.baseUrl() + "/metrics")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = REPEATS.matcher(r.body());
            double sum = 0;
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
            }
            return sum;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
