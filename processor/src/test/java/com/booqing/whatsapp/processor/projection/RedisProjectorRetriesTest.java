package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.processor.testing.TestSecrets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The projector's Redis retries come from the record's tenant (webhookRetries), and running out of them loses
 * nothing: the partition is rewound to the record, nothing past it is committed, and it is paused, not skipped.
 * Redis here is a port nobody listens on, so every call fails at once; the consumer is Kafka's MockConsumer.
 */
class RedisProjectorRetriesTest {
    private static final Instant T0 = Instant.parse("2025-06-09T10:00:00Z");

    private final Topics topics = Topics.withPrefix("retries.", 2);
    private final RedisKeys keys = new RedisKeys("wa-unit");
    private final TopicPartition p0 = new TopicPartition(topics.events().name(), 0);
    private final TopicPartition p1 = new TopicPartition(topics.events().name(), 1);
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final JedisPooled deadRedis = RedisClients.pooled(URI.create("redis://127.0.0.1:1"), 1);

    @AfterEach
    void tearDown() {
        deadRedis.close();
    }

    private RedisProjector projector(RetryBudget budget) {
        ProjectionPlanner planner = new ProjectionPlanner(topics, keys, Duration.ofHours(1),
                TestSecrets.endpointView());
        RedisProjector projector = new RedisProjector(consumer, planner, new ProjectionScript(deadRedis), keys,
                meters, budget);
        projector.subscribe();
        consumer.rebalance(List.of(p0, p1));
        consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
        return projector;
    }

    private void addInbound(TopicPartition tp, long offset, String tenant, String wamid) {
        String phone = "+16505551234";
        InboundMessage m = new InboundMessage(EventIds.inboundMessageId(tenant, wamid), wamid, tenant, "ep_1",
                ProviderType.CLOUD_API, phone, null, "Ana", T0, new MessageContent.Text("hi", null), null);
        Envelope e = new Envelope(EventIds.eventId(tenant, "cloud-api", wamid), tenant, T0, "req", m);
        consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset,
                (tenant + ":" + phone).getBytes(StandardCharsets.UTF_8), JsonSerde.of(Envelope.class).encode(e)));
    }

    private double failedRounds() {
        return meters.counter("whatsapp.projector.redis_failures").count();
    }

    @Test
    void aTenantsWebhookRetriesBoundTheRedisAttemptsOfItsRecords() {
        RedisProjector projector = projector(tenant -> "acme".equals(tenant) ? 2 : 0);
        addInbound(p0, 0, "acme", "wamid.A");

        assertThat(projector.pollOnce()).isFalse();

        // One attempt and the tenant's two retries.
        assertThat(failedRounds()).isEqualTo(3);
        assertThat(meters.counter("whatsapp.projector.retries_exhausted").count()).isEqualTo(1);
    }

    @Test
    void aTenantWithoutRetriesGetsOneAttempt() {
        RedisProjector projector = projector(tenant -> "acme".equals(tenant) ? 2 : 0);
        addInbound(p0, 0, "studio", "wamid.S");

        assertThat(projector.pollOnce()).isFalse();

        assertThat(failedRounds()).isEqualTo(1);
    }

    @Test
    void runningOutOfRetriesRewindsAndPausesThePartitionAndCommitsNothingPastTheRecord() {
        RedisProjector projector = projector(tenant -> 1);
        addInbound(p0, 0, "acme", "wamid.1");
        addInbound(p0, 1, "acme", "wamid.2");

        projector.pollOnce();
        projector.commitIfDue(true);

        assertThat(consumer.position(p0)).isZero();
        assertThat(consumer.paused()).containsExactly(p0);
        assertThat(consumer.committed(Set.of(p0, p1))).isEmpty();
        // Paused, the partition gives nothing; the other one is still read.
        addInbound(p1, 0, "acme", "wamid.3");
        assertThat(consumer.poll(Duration.ZERO).partitions()).containsExactly(p1);
    }

    @Test
    void aPausedPartitionIsReadAgainFromTheSameRecordAfterItsPause() throws InterruptedException {
        RedisProjector projector = projector(tenant -> 0);
        addInbound(p0, 0, "acme", "wamid.1");
        addInbound(p0, 1, "acme", "wamid.2");
        projector.pollOnce();

        Thread.sleep(RedisProjector.FIRST_BACKOFF.toMillis() + 20);
        projector.resumeDue();

        assertThat(consumer.paused()).isEmpty();
        assertThat(consumer.position(p0)).isZero();
        assertThat(meters.counter("whatsapp.projector.records", "outcome", "applied").count()).isZero();
    }

    @Test
    void tenantsWithoutAConfigurationAndRecordsWithoutATenantGetTheDefault() {
        TenantConfiguration acme = new TenantConfiguration("acme", null, true, true, 30, 60, 7, 30_000, T0, T0);
        TenantConfiguration greedy = new TenantConfiguration("greedy", null, true, true, 30, 60, 500, 30_000, T0, T0);
        Map<String, TenantConfiguration> configs = Map.of("acme", acme, "greedy", greedy);
        try (TenantRetries retries = new TenantRetries(t -> Optional.ofNullable(configs.get(t)), 3, () -> { })) {
            assertThat(retries.retriesFor("acme")).isEqualTo(7);
            assertThat(retries.retriesFor("unknown")).isEqualTo(3);
            assertThat(retries.retriesFor(null)).isEqualTo(3);
            assertThat(retries.retriesFor("greedy")).isEqualTo(TenantRetries.MAX);
        }
    }
}
