package com.booqing.whatsapp.ops;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The brief's debug commands, {@code test}, {@code status} and {@code init}, against the running gateway. */
@KafkaAndRedis
class DebugCommandsIT {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static OpsPipeline pipeline;
    private static JedisPooled redis;

    @BeforeAll
    static void start(Infra infra) {
        pipeline = new OpsPipeline(infra, List.of(new OpsPipeline.TenantSpec("salon", ProviderType.CLOUD_API),
                new OpsPipeline.TenantSpec("clinic", ProviderType.EVOLUTION),
                new OpsPipeline.TenantSpec("studio", ProviderType.WAHA),
                new OpsPipeline.TenantSpec("dark", ProviderType.CLOUD_API)));
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
    void testPassesEveryStepAgainstTheSimulator() {
        OpsPipeline.Tenant salon = pipeline.tenant("salon");

        Cli.Result r = Cli.run(pipeline.opsEnv(), "test", salon.tenantId(), "--to", "+14155550171",
                "--simulator", pipeline.simulator.adminUrl());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("against the simulator")
                .contains("step 1 webhook in: OK").contains("step 2 inbound stored: OK").contains("step 3 send: OK")
                .contains("step 4 provider received: OK").contains("step 5 receipt back: OK")
                .contains("test: OK, every step passed");
    }

    @Test
    void testAgainstTheProviderSignsTheWebhookItselfForEveryProvider() {
        for (String name : List.of("clinic", "studio")) {
            OpsPipeline.Tenant t = pipeline.tenant(name);

            Cli.Result r = Cli.run(pipeline.opsEnv(), "test", t.tenantId(), "--to", "+14155550172");

            assertThat(r.exitCode()).as(name + ": " + r).isZero();
            assertThat(r.out()).contains("against the endpoint's provider").contains("step 1 webhook in: OK")
                    .contains("step 4 provider received: SKIPPED").contains("step 5 receipt back: OK");
            assertThat(r.out() + r.err()).doesNotContain("ops-webhook-secret-");
        }
    }

    @Test
    void testNamesTheSendStepWhenTheEndpointIsDark() {
        OpsPipeline.Tenant dark = pipeline.tenant("dark");
        pipeline.simulator.fault(dark.endpointId(), Fault.dark());
        try {
            Cli.Result r = Cli.run(pipeline.opsEnv(), "test", dark.tenantId(), "--to", "+14155550173");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).contains("step 1 webhook in: OK").contains("step 2 inbound stored: OK")
                    .containsPattern("step 3 send: FAILED \\(msg_\\w+ failed: ")
                    .contains("step 4 provider received: SKIPPED (an earlier step failed)")
                    .contains("step 5 receipt back: SKIPPED")
                    .contains("test: FAILED at step 3 send");
        } finally {
            pipeline.simulator.fault(dark.endpointId(), Fault.none());
        }
    }

    @Test
    void testNamesTheFirstStepWhenTheIngressDoesNotAnswer() {
        Map<String, String> env = new HashMap<>(pipeline.opsEnv());
        env.put("OPS_INGRESS_URL", "http://127.0.0.1:1");

        Cli.Result r = Cli.run(env, "test", pipeline.tenant("salon").tenantId(), "--to", "+14155550174");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("step 1 webhook in: FAILED (the ingress did not answer (ConnectException")
                .contains("test: FAILED at step 1 webhook in");
    }

    @Test
    void testRefusesAnEndpointTheTenantDoesNotHave() {
        Cli.Result r = Cli.run(pipeline.opsEnv(), "test", pipeline.tenant("salon").tenantId(), "--to", "+14155550175",
                "--endpoint", pipeline.tenant("clinic").endpointId());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("has no endpoint " + pipeline.tenant("clinic").endpointId());
    }

    @Test
    void statusPrintsEveryTenantsEndpointsAndDevicesWithTheirHealth() throws Exception {
        OpsPipeline.Tenant salon = pipeline.tenant("salon");
        OpsPipeline.Tenant clinic = pipeline.tenant("clinic");
        publishHealth(new EndpointHealth(salon.tenantId(), salon.endpointId(), HealthState.HEALTHY, 42L, null,
                Instant.now(), Instant.now(), false));
        String deviceId = createDevice(clinic, "Front desk phone");
        await().atMost(PATIENCE).until(() -> redis.exists(pipeline.keys.health(salon.endpointId()))
                && redis.exists(pipeline.keys.device(deviceId)));

        Cli.Result text = Cli.run(pipeline.opsEnv(), "status");
        Cli.Result json = Cli.run(pipeline.opsEnv(), "status", clinic.tenantId(), "--json");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).contains("tenant " + salon.tenantId() + "  primary " + salon.endpointId())
                .containsPattern("endpoint " + salon.endpointId() + " +cloud-api +primary +active +health healthy "
                        + "\\(checked \\d+ s ago, 42 ms\\)")
                .containsPattern("endpoint " + clinic.endpointId() + " +evolution .* health unknown \\(not checked yet\\)")
                .containsPattern("device +" + deviceId + " +disconnected .* on " + clinic.endpointId()
                        + " +\"Front desk phone\"")
                .contains("tenant " + pipeline.tenant("dark").tenantId());
        assertThat(text.out()).doesNotContain("ops-api-key-").doesNotContain("ops-webhook-secret-");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode report = JSON.readTree(json.out());
        assertThat(report).hasSize(1);
        assertThat(report.get(0).path("devices").get(0).path("id").asText()).isEqualTo(deviceId);
    }

    @Test
    void initInitialisesEachTenantOnceAndAgainChangesNothing(Infra infra, @TempDir Path dir) throws Exception {
        String a = infra.uniqueId("new-salon");
        String b = infra.uniqueId("new-clinic");

        Cli.Result first = Cli.run(pipeline.opsEnv(), "init", a, b, "--webhook-retries", "5");
        await().atMost(PATIENCE).until(() -> redis.exists(pipeline.keys.config(a)) && redis.exists(pipeline.keys.config(b)));
        String configBefore = redis.get(pipeline.keys.config(a));
        Path list = dir.resolve("tenants.txt");
        Files.writeString(list, "# exported tenant ids\n" + a + "\n\n" + b + "\n");
        Cli.Result again = Cli.run(pipeline.opsEnv(), "init", "--from-file", list.toString(), "--webhook-retries", "5");
        Cli.Result different = Cli.run(pipeline.opsEnv(), "init", a, "--webhook-retries", "7");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains(a + ": initialised").contains(b + ": initialised")
                .contains("init: 2 initialised, 0 already initialised, 0 refused, 0 unanswered");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains(a + ": already initialised with these settings; unchanged")
                .contains("init: 0 initialised, 2 already initialised");
        assertThat(redis.get(pipeline.keys.config(a))).isEqualTo(configBefore).contains("\"webhookRetries\":5");
        assertThat(different.exitCode()).as(different.toString()).isEqualTo(1);
        assertThat(different.out()).contains(a + ": refused, 409 tenant_exists");
    }

    private static void publishHealth(EndpointHealth health) throws Exception {
        var topic = pipeline.topics.endpointHealth();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.durableProducer(
                pipeline.gateway.kafkaBootstrapServers(), "ops-it-health", Duration.ofSeconds(10),
                Duration.ofSeconds(30)))) {
            p.send(new ProducerRecord<>(topic.name(), health.endpointId().getBytes(StandardCharsets.UTF_8),
                    topic.valueSerde().serializer().serialize(topic.name(), health))).get(30, TimeUnit.SECONDS);
        }
    }

    private static String createDevice(OpsPipeline.Tenant t, String name) throws Exception {
        HttpResponse<String> r = AuditedHttpClient.create().send(HttpRequest.newBuilder(
                        URI.create(pipeline.ingressUrl() + "/api/whatsapp/devices/" + t.tenantId()))
                .header("Authorization", "Bearer " + OpsPipeline.ADMIN_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("endpointId", t.endpointId(),
                        "deviceName", name))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("id").asText();
    }
}
