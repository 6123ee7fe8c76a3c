package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.kafka.GroupMembership;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.processor.testing.TestSecrets;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * With PROCESSOR_INSTANCE_ID the projector is a static group member, and a static member that simply closes stays
 * in the group until its session times out (45 s by default): its partitions would sit unread meanwhile. A graceful
 * stop must leave the group, so another instance takes the partitions at once.
 */
@KafkaAndRedis
class ProjectorMembershipIT {
    private static final Duration SESSION = Duration.ofSeconds(45);

    @Test
    void staticProjectorStoppedGracefullyLeavesItsGroupAtOnce(Infra infra) throws Exception {
        Topics topics = infra.newTopics();
        RedisKeys keys = infra.newRedisKeys();
        String group = infra.uniqueId("g");
        ProjectionPlanner planner = new ProjectionPlanner(topics, keys, Duration.ofHours(1),
                TestSecrets.endpointView());
        Map<String, Object> membership = new GroupMembership(infra.uniqueId("processor"), SESSION)
                .consumerSettings("projector");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            RedisProjector projector = RedisProjector.create(infra.bootstrapServers(), group, planner,
                    new ProjectionScript(infra.redis()), keys, new SimpleMeterRegistry(), RetryBudget.fixed(3),
                    membership).start();
            try {
                await().atMost(30, TimeUnit.SECONDS).until(() -> members(admin, group) == 1);
            } finally {
                projector.close();
            }
            // Well under the session timeout: without leaving, the member would stay for all of it.
            await().atMost(10, TimeUnit.SECONDS).until(() -> members(admin, group) == 0);
        } finally {
            infra.deleteKeys(keys);
        }
    }

    private static int members(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group).members()
                .size();
    }
}
