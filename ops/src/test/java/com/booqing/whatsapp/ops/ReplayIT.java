package com.booqing.whatsapp.ops;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.webhook.DeadLetter;
import com.booqing.whatsapp.simulator.WebhookDelivery;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replay and the send side of redrive against the running gateway (processor, ingress, sender, simulator in this
 * JVM; the real broker and Redis): the processor's dedup and fenced projector make a replay change nothing, and the
 * sender's idempotency keys make a redriven send go out once.
 */
@KafkaAndRedis
class ReplayIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static OpsPipeline pipeline;
    private static JedisPooled redis;
    private static Instant started;

    @BeforeAll
    static void start(Infra infra) {
        started = Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
        pipeline = new OpsPipeline(infra, List.of(new OpsPipeline.TenantSpec("salon", ProviderType.CLOUD_API),
                new OpsPipeline.TenantSpec("clinic", ProviderType.WAHA)));
        redis = infra.redis();
    }

    @AfterAll
    static void stop(Infra infra) {
        if (pipeline != null) {
            pipeline.close();
            infra.deleteKeys(pipeline.keys);
        }
    }

    @Test
    void replayingTheSameRangeTwiceLeavesRedisAsAfterTheFirstTimeAndResendsNothing() throws Exception {
        OpsPipeline.Tenant salon = pipeline.tenant("salon");
        OpsPipeline.Tenant clinic = pipeline.tenant("clinic");
        deliverInbound(salon, "14155550101", "Can I book a haircut?");
        deliverInbound(salon, "14155550102", "Is Monday free?");
        deliverInbound(clinic, "14155550201", "I need to move my appointment");
        String sent = sendText(salon, "+14155550101", "Yes, 3pm works", "replay-it-1");
        await().atMost(PATIENCE).until(() -> "read".equals(redis.hget(pipeline.keys.message(sent), "status")));
        Map<String, String> before = settledRedis();
        Map<TopicPartition, Long> events = Topology.endOffsets(bootstrap(), pipeline.topics.events().name());
        Map<TopicPartition, Long> results = Topology.endOffsets(bootstrap(), pipeline.topics.sendResults().name());
        long raw = Topology.total(Topology.endOffsets(bootstrap(), pipeline.topics.webhooksRaw().name()));
        int requests = pipeline.simulator.requests(salon.endpointId()).size();

        Cli.Result first = Cli.run(pipeline.opsEnv(), "replay", "--all-tenants", "--from", started.toString());

        assertThat(first.exitCode()).as(first.toString()).isZero();
        // 3 inbound texts and the 3 receipts (sent, delivered, read) of the answer, at least
        assertThat(first.out()).containsPattern("replay done in .*: read (\\d+), replayed \\1 to ")
                .contains("handled by " + pipeline.env.string("WHATSAPP_TOPIC_PREFIX", "") + "whatsapp-processor");
        long replayed = replayedCount(first.out());
        assertThat(replayed).isGreaterThanOrEqualTo(6);
        Map<String, String> afterFirst = settledRedis();
        assertThat(RedisDump.changes(before, afterFirst)).as("keys the first replay changed").isEmpty();
        assertThat(afterFirst).isEqualTo(before);

        Cli.Result second = Cli.run(pipeline.opsEnv(), "replay", "--all-tenants", "--from", started.toString());

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(replayedCount(second.out())).isEqualTo(replayed);
        assertThat(second.out()).contains("copy made by an earlier replay " + replayed);
        Map<String, String> afterSecond = settledRedis();
        assertThat(RedisDump.changes(afterFirst, afterSecond)).as("keys the second replay changed").isEmpty();
        assertThat(afterSecond).isEqualTo(afterFirst);
        assertThat(Topology.endOffsets(bootstrap(), pipeline.topics.events().name()))
                .as("the processor emitted no event for the replayed webhooks").isEqualTo(events);
        assertThat(Topology.endOffsets(bootstrap(), pipeline.topics.sendResults().name())).isEqualTo(results);
        assertThat(pipeline.simulator.requests(salon.endpointId())).hasSize(requests);
        assertThat(Topology.total(Topology.endOffsets(bootstrap(), pipeline.topics.webhooksRaw().name())))
                .isEqualTo(raw + 2 * replayed);
        assertThat(first.err()).doesNotContain(OpsPipeline.ADMIN_KEY);
    }

    @Test
    void aDryRunOfOneTenantShowsWhatItWouldReplayAndWritesNothing() {
        OpsPipeline.Tenant clinic = pipeline.tenant("clinic");
        deliverInbound(clinic, "14155550202", "dry run please");
        long raw = Topology.total(Topology.endOffsets(bootstrap(), pipeline.topics.webhooksRaw().name()));

        Cli.Result r = Cli.run(pipeline.opsEnv(), "replay", "--tenant", clinic.tenantId(), "--from",
                started.toString(), "--dry-run");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("replay (dry run): tenant " + clinic.tenantId())
                .containsPattern("dry run, nothing written: would replay \\d+ of \\d+ records read to "
                        + pipeline.topics.webhooksRaw().name() + " \\(" + clinic.tenantId() + " \\d+\\)")
                .doesNotContain("(" + pipeline.tenant("salon").tenantId());
        assertThat(Topology.total(Topology.endOffsets(bootstrap(), pipeline.topics.webhooksRaw().name())))
                .isEqualTo(raw);
    }

    @Test
    void aTenantThatDoesNotExistIsRefused() {
        Cli.Result r = Cli.run(pipeline.opsEnv(), "replay", "--tenant", "no-such-salon", "--from", "1h");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("tenant no-such-salon does not exist").contains("whatsapp-ops init");
    }

    @Test
    void aRangeLargerThanTheCapIsRefusedWithoutForce() {
        deliverInbound(pipeline.tenant("salon"), "14155550103", "one");
        deliverInbound(pipeline.tenant("salon"), "14155550104", "two");
        Map<String, String> env = new HashMap<>(pipeline.opsEnv());
        env.put("OPS_MAX_RECORDS", "1");

        Cli.Result refused = Cli.run(env, "replay", "--all-tenants", "--from", started.toString());
        Cli.Result forced = Cli.run(env, "replay", "--all-tenants", "--from", started.toString(), "--force",
                "--dry-run");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).containsPattern("the range holds [\\d,]+ records of \\S+whatsapp.webhooks.raw, "
                + "more than the cap of 1 \\(OPS_MAX_RECORDS\\); narrow it, or add --force");
        assertThat(forced.exitCode()).as(forced.toString()).isZero();
    }

    @Test
    void offsetsThatDoNotExistYetAreRefused() {
        Cli.Result r = Cli.run(pipeline.opsEnv(), "replay", "--all-tenants", "--offsets", "0:0-99999999");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("reaches past the end of partition 0").contains("do not exist yet");
    }

    @Test
    void aTopicTheBrokerDoesNotHaveIsRefused() {
        Map<String, String> env = new HashMap<>(pipeline.opsEnv());
        env.put("WHATSAPP_TOPIC_PREFIX", "no-such-deployment-");

        Cli.Result r = Cli.run(env, "replay", "--all-tenants", "--from", "1h");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("topic no-such-deployment-whatsapp.webhooks.raw does not exist on the broker");
    }

    @Test
    void aRedrivenSendGoesOutOnceHoweverOftenItIsRedriven() throws Exception {
        OpsPipeline.Tenant salon = pipeline.tenant("salon");
        String marker = "redriven-" + System.nanoTime();
        SendCommand command = new SendCommand(null, salon.tenantId(), null, null, "+14155550109",
                new MessageContent.Text("Your booking: " + marker, null), marker, null, Instant.now());
        deadLetterSendCommand(command);

        Cli.Result first = Cli.run(pipeline.opsEnv(), "redrive", "--topic", "whatsapp.messages.dlq", "--tenant",
                salon.tenantId());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("redriven 1 to " + pipeline.topics.sendCommands().name())
                .contains("handled by " + pipeline.env.string("WHATSAPP_TOPIC_PREFIX", "") + "whatsapp-sender");
        await().atMost(PATIENCE).until(() -> "read".equals(redis.hget(pipeline.keys.message(command.messageId()),
                "status")));

        Cli.Result again = Cli.run(pipeline.opsEnv(), "redrive", "--topic", "whatsapp.messages.dlq", "--tenant",
                salon.tenantId());

        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("redriven 1 to ");
        assertThat(pipeline.simulator.requests(salon.endpointId()).stream().filter(r -> r.body().contains(marker)))
                .as("the provider got the message once").hasSize(1);
        assertThat(redis.hget(pipeline.keys.message(command.messageId()), "status")).isEqualTo("read");
    }

    /** What an older sender that could not read this command would have left on the dead-letter topic. */
    private void deadLetterSendCommand(SendCommand command) throws Exception {
        String topic = pipeline.topics.sendCommands().name();
        RecordHeaders original = new RecordHeaders();
        original.add("wa.tenant", command.tenantId().getBytes(StandardCharsets.UTF_8));
        var headers = DeadLetter.headers(original, "sender", "unreadable send command: unknown field", topic, 2, 17,
                Instant.now());
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.durableProducer(bootstrap(), "ops-it",
                Duration.ofSeconds(10), Duration.ofSeconds(30)))) {
            p.send(new ProducerRecord<>(pipeline.topics.sendDeadLetter().name(), null,
                    command.partitionKey().getBytes(StandardCharsets.UTF_8),
                    pipeline.topics.sendCommands().valueSerde().serializer().serialize(topic, command), headers))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static long replayedCount(String out) {
        var m = java.util.regex.Pattern.compile("replayed ([\\d,]+) to ").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    /** The namespace once nothing has changed in it for 1.5 s (receipts and projections are asynchronous). */
    private static Map<String, String> settledRedis() {
        AtomicReference<Map<String, String>> last = new AtomicReference<>(RedisDump.of(redis, pipeline.keys.namespace()));
        int[] same = {0};
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> {
            Map<String, String> now = RedisDump.of(redis, pipeline.keys.namespace());
            same[0] = now.equals(last.get()) ? same[0] + 1 : 0;
            last.set(now);
            return same[0] >= 3;
        });
        return last.get();
    }

    private static WebhookDelivery deliverInbound(OpsPipeline.Tenant t, String from, String text) {
        AtomicReference<WebhookDelivery> last = new AtomicReference<>();
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(300)).until(() -> {
            last.set(pipeline.simulator.postInboundText(t.endpointId(), from, text));
            return last.get().status() == 200;
        });
        String messageId = EventIds.inboundMessageId(t.tenantId(), providerId(t, last.get()));
        await().atMost(PATIENCE).until(() -> redis.exists(pipeline.keys.message(messageId)));
        return last.get();
    }

    /** WAHA's serialized id {fromMe}_{chat}_{id} is kept as the bare id (processor INBOUND.md). */
    private static String providerId(OpsPipeline.Tenant t, WebhookDelivery d) {
        if (t.provider() == ProviderType.WAHA && d.wamid().contains("_")) {
            return d.wamid().substring(d.wamid().lastIndexOf('_') + 1);
        }
        return d.wamid();
    }

    private static String sendText(OpsPipeline.Tenant t, String to, String text, String key) throws Exception {
        HttpResponse<String> r = AuditedHttpClient.create().send(HttpRequest.newBuilder(
                        URI.create(pipeline.ingressUrl() + "/api/whatsapp/messages/" + t.tenantId()))
                .header("Authorization", "Bearer " + OpsPipeline.ADMIN_KEY)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("to", to, "type", "text",
                        "content", text))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return JSON.readTree(r.body()).path("messageId").asText();
    }

    private static String bootstrap() {
        return pipeline.gateway.kafkaBootstrapServers();
    }
}
