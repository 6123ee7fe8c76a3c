package com.booqing.whatsapp.e2e;

import com.booqing.whatsapp.e2e.Pipeline.EndpointSpec;
import com.booqing.whatsapp.e2e.Pipeline.GatewayEndpoint;
import com.booqing.whatsapp.e2e.Pipeline.TenantSpec;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A tenant with two Cloud API numbers: while the primary is unreachable, messages sent through the REST API go out
 * through the backup — each exactly once, none lost — and once the primary is back, later messages use it again.
 */
@KafkaAndRedis
class FailoverEndToEndIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final AtomicInteger NEXT = new AtomicInteger((int) (System.nanoTime() % 8000) + 1000);

    private static Pipeline pipeline;
    private static GatewayEndpoint primary;
    private static GatewayEndpoint backup;
    private static String tenantId;
    private static RestClient rest;
    private static JedisPooled redis;

    @BeforeAll
    static void startPipeline(Infra infra) {
        pipeline = new Pipeline(infra, Pipeline.FAST, List.of(TenantSpec.of("studio",
                EndpointSpec.cloudApi("primary"), EndpointSpec.cloudApi("backup"))));
        Pipeline.Tenant tenant = pipeline.tenant("studio");
        tenantId = tenant.tenantId();
        primary = tenant.endpoint("primary");
        backup = tenant.endpoint("backup");
        rest = new RestClient(pipeline.ingressUrl());
        redis = infra.redis();
    }

    @AfterAll
    static void stopPipeline(Infra infra) {
        if (pipeline != null) {
            pipeline.close();
            infra.deleteKeys(pipeline.keys);
        }
    }

    @Test
    void failsOverToTheBackupWhileThePrimaryIsDarkAndReturnsToItWhenItIsBack() {
        List<Sent> all = new ArrayList<>();
        // The primary has served before it goes dark: the sender may hold a pooled connection to it.
        Sent before = send("before the outage");
        all.add(before);
        assertThat(awaitSent(before)).as("a healthy primary is used").isEqualTo(primary.endpointId());

        pipeline.simulator.fault(primary.simId(), Fault.dark());
        List<Sent> duringOutage = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                duringOutage.add(send("during the outage " + i));
            }
            for (Sent s : duringOutage) {
                assertThat(awaitSent(s)).as("%s goes through the backup", s.text()).isEqualTo(backup.endpointId());
            }
            all.addAll(duringOutage);
        } finally {
            pipeline.simulator.fault(primary.simId(), Fault.none());
        }

        // Once back, the primary is used again as soon as the sender trusts it (its circuit may have opened).
        Sent[] afterOutage = new Sent[1];
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> {
            Sent s = send("after the outage " + all.size());
            all.add(s);
            afterOutage[0] = s;
            return primary.endpointId().equals(awaitSent(s));
        });
        Sent next = send("later");
        all.add(next);
        assertThat(awaitSent(next)).as("later messages stay on the primary").isEqualTo(primary.endpointId());

        for (Sent s : all) {
            String endpoint = awaitSent(s);
            GatewayEndpoint used = endpoint.equals(primary.endpointId()) ? primary : backup;
            GatewayEndpoint other = used == primary ? backup : primary;
            assertThat(requestsWith(used, s)).as("%s reached %s exactly once", s.text(), used.name()).hasSize(1);
            assertThat(requestsWith(other, s)).as("%s never reached %s", s.text(), other.name()).isEmpty();
        }
        assertThat(duringOutage).allSatisfy(s -> assertThat(requestsWith(primary, s)).isEmpty());
    }

    private record Sent(String messageId, String text) {
    }

    private static Sent send(String what) {
        String to = "+1415555" + NEXT.getAndIncrement();
        String text = "Booking " + what + " (" + to + ")";
        return new Sent(rest.sendText(tenantId, to, text, null, "failover-" + to), text);
    }

    /** Waits for the SENT result in Redis; @return the endpoint it went through */
    private static String awaitSent(Sent s) {
        String key = pipeline.keys.message(s.messageId());
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(50)).until(() -> {
            String status = redis.hget(key, "status");
            return status != null && !status.equals("pending");
        });
        Map<String, String> message = redis.hgetAll(key);
        assertThat(message.get("status")).as("%s: %s", s.text(), message).isIn("sent", "delivered", "read");
        return message.get("endpointId");
    }

    private static List<RecordedRequest> requestsWith(GatewayEndpoint endpoint, Sent s) {
        return pipeline.simulator.requests(endpoint.simId()).stream()
                .filter(r -> r.body().contains(s.messageId())).toList();
    }
}
