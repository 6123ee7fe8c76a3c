package com.booqing.whatsapp.ops;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.TopicBootstrap;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.common.webhook.DeadLetter;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.processor.Processor;
import com.booqing.whatsapp.processor.config.ProcessorConfig;
import com.booqing.whatsapp.processor.config.StreamsSettings;
import com.booqing.whatsapp.processor.dedup.EventDeduplicator;
import com.booqing.whatsapp.processor.inbound.InboundSettings;
import com.booqing.whatsapp.processor.inbound.InboundTopology;
import com.booqing.whatsapp.processor.webhook.ParseResult;
import com.booqing.whatsapp.processor.webhook.WebhookParser;
import com.booqing.whatsapp.processor.webhook.WebhookParsers;
import com.booqing.whatsapp.processor.webhook.evolution.EvolutionParser;
import com.booqing.whatsapp.processor.webhook.waha.WahaParser;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A webhook dead-lettered by a processor with a parser bug is redriven once the fixed processor runs: it reaches
 * Redis then, and redriving it again changes nothing.
 */
@KafkaAndRedis
class RedriveIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** The Cloud API parser of a release with a bug: it throws on every webhook. */
    private static final class BuggyCloudApiParser implements WebhookParser {
        @Override
        public ProviderType provider() {
            return ProviderType.CLOUD_API;
        }

        @Override
        public ParseResult parse(RawWebhook webhook) {
            throw new IllegalStateException("bug in the parser");
        }
    }

    @Test
    void aDeadLetteredWebhookReachesRedisWhenRedrivenAfterTheFixAndAgainChangesNothing(Infra infra,
                                                                                       @TempDir Path state)
            throws Exception {
        RedisKeys keys = infra.newRedisKeys();
        Map<String, String> vars = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "REDIS_URL", infra.redisUrl(),
                "WHATSAPP_TOPIC_PREFIX", infra.uniqueId("rd") + "-",
                "WHATSAPP_REDIS_NAMESPACE", keys.namespace(),
                "WHATSAPP_ENCRYPTION_KEYS", Canaries.encryptionKeys("k1"),
                "PROCESSOR_STATE_DIR", state.toString()));
        Env env = new Env(vars);
        GatewayConfig gateway = GatewayConfig.from(env);
        Topics topics = Topics.withPrefix(gateway.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        TopicBootstrap.ensure(infra.bootstrapServers(), topics);
        String tenant = infra.uniqueId("salon");
        String endpoint = infra.uniqueId("ep");
        String wamid = "wamid.redrive-" + System.nanoTime();
        ProcessorConfig config = ProcessorConfig.from(env);
        JedisPooled redis = infra.redis();
        try {
            produce(infra, topics, tenant, endpoint, wamid);

            // The release with the bug: its normaliser dead-letters the webhook with the reason.
            KafkaStreams buggy = new KafkaStreams(InboundTopology.build(topics, new InboundSettings(
                    new WebhookParsers(List.of(new BuggyCloudApiParser(), new WahaParser(), new EvolutionParser())),
                    EventDeduplicator.DEFAULT_WINDOW, EventDeduplicator.DEFAULT_PURGE_INTERVAL,
                    new SimpleMeterRegistry())), StreamsSettings.properties(config.applicationId(),
                    infra.bootstrapServers(), state.resolve("buggy"), 1, topics));
            buggy.start();
            ConsumerRecord<byte[], byte[]> dead;
            try {
                dead = awaitDeadLetter(infra, topics.webhooksDeadLetter().name());
            } finally {
                // Leave the group, or the fixed one waits a session timeout for the buggy one's partitions.
                buggy.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));
            }
            assertThat(DeadLetter.header(dead.headers(), DeadLetter.REASON)).contains("parser failed");

            // The fix is deployed: same application id, so it goes on after the records the buggy one consumed.
            try (Processor fixed = new Processor(config, new SimpleMeterRegistry()).start()) {
                String messageKey = keys.message(EventIds.inboundMessageId(tenant, wamid));
                await().atMost(PATIENCE).until(() -> redis.exists(keys.config(tenant)));
                assertThat(redis.exists(messageKey)).as("not processed again by itself").isFalse();
                Map<String, String> opsEnv = Map.of("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                        "REDIS_URL", infra.redisUrl(), "WHATSAPP_TOPIC_PREFIX", gateway.topicPrefix(),
                        "WHATSAPP_REDIS_NAMESPACE", keys.namespace());

                Cli.Result dry = Cli.run(opsEnv, "redrive", "--topic", "whatsapp.webhooks.dlq", "--tenant", tenant,
                        "--dry-run");
                Cli.Result r = Cli.run(opsEnv, "redrive", "--topic", "whatsapp.webhooks.dlq", "--tenant", tenant,
                        "--reason", "parser failed");

                assertThat(dry.exitCode()).as(dry.toString()).isZero();
                assertThat(dry.out()).contains("would redrive 1 of 1 records read to " + topics.webhooksRaw().name());
                assertThat(r.exitCode()).as(r.toString()).isZero();
                assertThat(r.out()).contains("redriven 1 to " + topics.webhooksRaw().name() + " (" + tenant + " 1)")
                        .contains("handled by " + config.applicationId());
                await().atMost(PATIENCE).until(() -> redis.exists(messageKey));
                assertThat(redis.hget(messageKey, "content")).contains("Is 4pm free?");
                Map<TopicPartition, Long> events = Topology.endOffsets(infra.bootstrapServers(), topics.events().name());
                Map<String, String> afterFirst = RedisDump.of(redis, keys.namespace());

                Cli.Result again = Cli.run(opsEnv, "redrive", "--topic", "whatsapp.webhooks.dlq", "--tenant", tenant);

                assertThat(again.exitCode()).as(again.toString()).isZero();
                assertThat(Topology.endOffsets(infra.bootstrapServers(), topics.events().name())).isEqualTo(events);
                Map<String, String> afterSecond = RedisDump.of(redis, keys.namespace());
                assertThat(RedisDump.changes(afterFirst, afterSecond)).isEmpty();
                assertThat(afterSecond).isEqualTo(afterFirst);
            }
        } finally {
            infra.deleteKeys(keys);
        }
    }

    private static void produce(Infra infra, Topics topics, String tenant, String endpoint, String wamid)
            throws Exception {
        String body = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{"
                + "\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{"
                + "\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"100000000000001\"},"
                + "\"contacts\":[{\"profile\":{\"name\":\"Ana\"},\"wa_id\":\"14155550123\"}],"
                + "\"messages\":[{\"from\":\"14155550123\",\"id\":\"" + wamid + "\",\"timestamp\":\"1767225600\","
                + "\"type\":\"text\",\"text\":{\"body\":\"Is 4pm free?\"}}]}}]}]}";
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.durableProducer(infra.bootstrapServers(),
                "ops-it", Duration.ofSeconds(10), Duration.ofSeconds(30)))) {
            var config = TenantConfiguration.defaults(tenant, GatewayConfig.from(new Env(Map.of())), now);
            p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.tenantConfig().name(),
                    tenant.getBytes(StandardCharsets.UTF_8),
                    topics.tenantConfig().valueSerde().serializer().serialize("", config))).get(30, TimeUnit.SECONDS);
            var raw = new RawWebhook("req-" + System.nanoTime(), tenant, endpoint, ProviderType.CLOUD_API, now,
                    Map.of(), body.getBytes(StandardCharsets.UTF_8)).toRecord(topics.webhooksRaw().name());
            p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(raw.topic(), null, raw.timestamp(),
                    raw.key().getBytes(StandardCharsets.UTF_8), raw.value(), raw.headers())).get(30, TimeUnit.SECONDS);
        }
    }

    private static ConsumerRecord<byte[], byte[]> awaitDeadLetter(Infra infra, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(KafkaClients.committedReader(
                infra.bootstrapServers(), null, "ops-it-dlq"))) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
            await().atMost(PATIENCE).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(found::add);
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }
}
