package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ProjectionPlannerTest {
    private final Topics topics = Topics.withPrefix("p.", 1);
    private final RedisKeys keys = new RedisKeys("wa-unit");
    private final ProjectionPlanner planner = new ProjectionPlanner(topics, keys, Duration.ofDays(30));

    private static ConsumerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, 7, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static Endpoint endpoint(Sealed apiKey, Sealed webhookSecret) {
        return new Endpoint("ep_1", "acme", "Primary", ProviderType.CLOUD_API, "https://graph.facebook.com", "v23.0",
                "106540352242922", null, null, apiKey, webhookSecret, null, true, true, 1,
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"));
    }

    @Test
    void storesEndpointsWithSecretsMaskedNeverTheirCiphertext() {
        Endpoint e = endpoint(Sealed.of("v1.k1.c2VjcmV0LWFwaS1rZXk="), null);
        byte[] value = JsonSerde.of(Endpoint.class).encode(e);

        ProjectionPlanner.Plan plan = planner.plan(record(topics.endpoints().name(), "ep_1", value));

        String ops = plan.writes().ops().toString();
        assertThat(ops).doesNotContain("v1.k1.c2VjcmV0LWFwaS1rZXk=");
        JsonNode set = plan.writes().ops().get(0);
        assertThat(set.get("op").asText()).isEqualTo("set");
        assertThat(set.get("v").asText()).contains("\"apiKey\":\"***\"").doesNotContain("webhookSecret");
        assertThat(plan.writes().keys()).containsExactly("wa-unit:endpoint:ep_1", "wa-unit:tenant:acme:endpoints");
    }

    @Test
    void deletingAnEndpointRemovesItFromItsTenantsSet() {
        ProjectionPlanner.Plan plan = planner.plan(record(topics.endpoints().name(), "ep_1", null));

        JsonNode op = plan.writes().ops().get(0);
        assertThat(op.get("op").asText()).isEqualTo("delOwned");
        assertThat(op.get("setPrefix").asText()).isEqualTo("wa-unit:tenant:");
        assertThat(op.get("setSuffix").asText()).isEqualTo(":endpoints");
    }

    @Test
    void skipsUnreadableRecordsWithAReason() {
        ProjectionPlanner.Plan plan = planner.plan(record(topics.events().name(), "acme:+1",
                "{not json".getBytes(StandardCharsets.UTF_8)));

        assertThat(plan.skipped()).isTrue();
        assertThat(plan.skipReason()).startsWith("invalid Envelope JSON");
        assertThat(plan.writes().isEmpty()).isTrue();
    }

    @Test
    void refusesKeysThatCannotBeRedisKeyParts() {
        assertThat(planner.plan(record(topics.tenantConfig().name(), "a:b", null)).skipped()).isTrue();
        assertThat(planner.plan(record(topics.endpoints().name(), "*", null)).skipped()).isTrue();
    }

    @Test
    void timestampsSortAsStrings() {
        assertThat(Timestamps.iso(Instant.parse("2025-06-08T21:39:43Z"))).isEqualTo("2025-06-08T21:39:43.000Z");
        assertThat(Timestamps.iso(Instant.parse("2025-06-08T21:39:43.5Z")))
                .isGreaterThan(Timestamps.iso(Instant.parse("2025-06-08T21:39:43Z")));
    }
}
