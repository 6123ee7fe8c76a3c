package com.booqing.whatsapp.testkit;

import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.Ids;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@KafkaAndRedis
class InfraIT {

    @Test
    void everyTestClassSharesOneBrokerAndRedis(Infra infra, Infra again) {
        assertThat(again).isSameAs(infra);
        assertThat(infra.describe()).startsWith("Kafka: ").contains("; Redis: ");
    }

    @Test
    void newTopicsAreCreatedUnderTheirOwnPrefix(Infra infra) throws Exception {
        Topics first = infra.newTopics();
        Topics second = infra.newTopics();
        assertThat(first.events().name()).startsWith("it-").isNotEqualTo(second.events().name());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
            assertThat(existing).containsAll(first.all().stream().map(Topic::name).toList());
        }
    }

    @Test
    void deleteKeysRemovesOnlyItsOwnNamespace(Infra infra) {
        RedisKeys mine = infra.newRedisKeys();
        RedisKeys other = infra.newRedisKeys();
        for (int i = 0; i < 1200; i++) {
            infra.redis().set(mine.message("m" + i), "x");
        }
        infra.redis().set(other.message("m1"), "keep");

        assertThat(infra.deleteKeys(mine)).isEqualTo(1200);

        assertThat(infra.redis().exists(mine.message("m7"))).isFalse();
        assertThat(infra.redis().get(other.message("m1"))).isEqualTo("keep");
        infra.deleteKeys(other);
    }

    @Test
    void refusesToDeleteANamespaceThatIsNotATestOne(Infra infra) {
        assertThatThrownBy(() -> infra.deleteKeys(RedisKeys.production())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> infra.deleteKeys("wa-*")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void uniqueIdsAreValidIdsAndDiffer(Infra infra) {
        String tenant = infra.uniqueId("tenant");
        String endpoint = infra.uniqueId("ep");
        assertThat(Ids.isValidTenantId(tenant)).isTrue();
        assertThat(Ids.isValidGeneratedId(endpoint)).isTrue();
        assertThat(infra.uniqueId("ep")).isNotEqualTo(endpoint);
    }
}
