package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.testkit.canary.AuditedHttpClient;
import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.device.DeviceCommand;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static com.booqing.whatsapp.ingress.TestIngress.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management API through HTTP, with a fake processor and device manager behind the MockProducer and the
 * real Redis: the brief's usage story, read-your-writes, pending commands, refusals, health and keys.
 */
@KafkaAndRedis
class ManagementApiIT {
    // Literal: their masks are asserted. Registered as canaries of the secret audit (issue 9).
    static final String WAHA_API_KEY = Canaries.register("ingress management WAHA API key", "waha-KEY-7f3b9c1d2e4a");
    static final String WAHA_HMAC = Canaries.register("ingress management WAHA HMAC key",
            "hmac-SECRET-a1b2c3d4e5f6a7b8");
    static final String EVO_API_KEY = Canaries.register("ingress management Evolution API key",
            "evo-APIKEY-0q9w8e7r6t5y");
    static final String EVO_JWT = Canaries.register("ingress management Evolution JWT key", "evo-JWT-z1x2c3v4b5n6m7");

    final Infra infra;
    final String tenant;
    ManagementHarness h;

    ManagementApiIT(Infra infra) {
        this.infra = infra;
        this.tenant = infra.uniqueId("salon");
    }

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    static String wahaEndpoint(boolean primary) {
        // The brief's example body, with a provider and what WAHA needs; read-only fields are accepted.
        return "{\"name\":\"Primary WhatsApp Server\",\"provider\":\"waha\",\"apiUrl\":\"https://waha.example.com\","
                + "\"apiKey\":\"" + WAHA_API_KEY + "\",\"sessionName\":\"default\",\"webhookSecret\":\"" + WAHA_HMAC
                + "\",\"webhookUrl\":\"https://yourdomain.com/api/whatsapp/webhook/my-tenant/endpoint-id\","
                + "\"isActive\":true,\"isPrimary\":" + primary + ",\"healthStatus\":\"unknown\","
                + "\"lastHealthCheck\":\"2025-06-01T11:00:00.000Z\"}";
    }

    static String evolutionEndpoint() {
        return "{\"name\":\"Backup\",\"provider\":\"evolution\",\"apiUrl\":\"https://evolution.example.com\","
                + "\"apiKey\":\"" + EVO_API_KEY + "\",\"instanceName\":\"booqing\",\"webhookSecret\":\"" + EVO_JWT
                + "\"}";
    }

    @Test
    void theBriefsUsageStoryFromInitialisationToDeletion() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            Api.Reply init = api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, null);
            assertThat(init.code()).as(init.toString()).isEqualTo(201);
            assertThat(init.text("tenantId")).isEqualTo(tenant);
            assertThat(init.json().get("failoverEnabled").asBoolean()).isTrue();
            assertThat(init.json().get("reconnectInterval").asInt()).isEqualTo(30);
            assertThat(init.json().get("endpoints")).isEmpty();

            Api.Reply primary = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, wahaEndpoint(true));
            assertThat(primary.code()).as(primary.toString()).isEqualTo(201);
            String ep1 = primary.text("id");
            assertThat(ep1).startsWith("ep_");
            assertThat(primary.text("webhookUrl"))
                    .isEqualTo(TestIngress.WEBHOOK_BASE_URL + "/api/whatsapp/webhook/" + tenant + "/" + ep1);
            assertThat(primary.text("apiKey")).isEqualTo("****2e4a");
            assertThat(primary.text("webhookSecret")).isEqualTo("hmac****a7b8");
            assertThat(primary.json().get("isPrimary").asBoolean()).isTrue();
            assertThat(primary.text("healthStatus")).isEqualTo("unknown");

            Api.Reply backup = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, evolutionEndpoint());
            assertThat(backup.code()).as(backup.toString()).isEqualTo(201);
            String ep2 = backup.text("id");
            assertThat(backup.json().get("isPrimary").asBoolean()).isFalse();

            Api.Reply list = api.get("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY);
            assertThat(list.json().get("endpoints").findValuesAsText("id")).containsExactly(ep1, ep2);

            Api.Reply device = api.post("/api/whatsapp/devices/" + tenant, ADMIN_KEY,
                    "{\"endpointId\":\"" + ep1 + "\",\"deviceName\":\"My WhatsApp Device\"}");
            assertThat(device.code()).as(device.toString()).isEqualTo(201);
            String dev = device.text("id");
            assertThat(dev).startsWith("dev_");
            assertThat(device.text("status")).isEqualTo("disconnected");
            assertThat(api.get("/api/whatsapp/devices/" + dev, ADMIN_KEY).text("deviceName"))
                    .isEqualTo("My WhatsApp Device");
            assertThat(api.get("/api/whatsapp/devices/" + tenant, ADMIN_KEY).json().get("devices")
                    .findValuesAsText("id")).containsExactly(dev);

            Api.Reply qr = api.post("/api/whatsapp/devices/" + dev + "?action=connect", ADMIN_KEY, null);
            assertThat(qr.code()).as(qr.toString()).isEqualTo(200);
            assertThat(qr.text("status")).isEqualTo("pairing");
            assertThat(qr.json().get("qrCode").get("raw").asText()).startsWith("2@fake-qr-");
            assertThat(qr.json().get("qrCode").get("pngDataUrl").asText()).isEqualTo(FakeProcessor.QR_IMAGE);

            Api.Reply pairing = api.post("/api/whatsapp/devices/" + dev + "?action=connect", ADMIN_KEY,
                    "{\"phoneNumber\":\"+31612345678\"}");
            assertThat(pairing.code()).as(pairing.toString()).isEqualTo(200);
            assertThat(pairing.text("pairingCode")).isEqualTo("ABCD-EFGH");
            DeviceCommand connect = decode(h.published(h.topics.deviceCommands().name()).get(1),
                    (JsonSerde<DeviceCommand>) h.topics.deviceCommands().valueSerde());
            assertThat(connect.action()).isEqualTo(DeviceCommand.Action.CONNECT);
            assertThat(connect.phoneNumber()).isEqualTo("+31612345678");
            assertThat(connect.deviceId()).isEqualTo(dev);

            h.processor.deviceConnected(dev);
            assertThat(api.get("/api/whatsapp/devices/" + dev, ADMIN_KEY).text("status")).isEqualTo("connected");
            Api.Reply health = api.get("/api/whatsapp/health/" + tenant, ADMIN_KEY);
            assertThat(health.json().get("devices").get(0).get("status").asText()).isEqualTo("connected");

            Api.Reply disconnect = api.post("/api/whatsapp/devices/" + dev + "?action=disconnect", ADMIN_KEY, null);
            assertThat(disconnect.code()).as(disconnect.toString()).isEqualTo(200);
            assertThat(disconnect.text("status")).isEqualTo("disconnected");
            assertThat(disconnect.json().has("qrCode")).isFalse();

            Api.Reply deleted = api.delete("/api/whatsapp/devices/" + dev, ADMIN_KEY);
            assertThat(deleted.code()).as(deleted.toString()).isEqualTo(200);
            assertThat(api.get("/api/whatsapp/devices/" + dev, ADMIN_KEY).code()).isEqualTo(404);

            Api.Reply deletedPrimary = api.delete("/api/whatsapp/endpoints/" + tenant + "/" + ep1, ADMIN_KEY);
            assertThat(deletedPrimary.code()).as(deletedPrimary.toString()).isEqualTo(200);
            assertThat(deletedPrimary.text("detail")).isEqualTo(ep2 + " promoted to primary");
            JsonNode remaining = api.get("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY).json().get("endpoints");
            assertThat(remaining).hasSize(1);
            assertThat(remaining.get(0).get("isPrimary").asBoolean()).isTrue();
            assertThat(api.get("/api/whatsapp/config/" + tenant, ADMIN_KEY).text("primaryEndpointId")).isEqualTo(ep2);

            List<ProducerRecord<byte[], byte[]>> commands = h.published(h.topics.managementCommands().name());
            assertThat(commands).hasSize(6).allSatisfy(r -> assertThat(ManagementHarness.key(r)).isEqualTo(tenant));
        });
    }

    @Test
    void aWriteIsReadableAsSoonAsItIsAnswered() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");
            h.processor.mode = FakeProcessor.Mode.LAG;
            h.processor.lag = Duration.ofMillis(400);

            Api.Reply created = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, wahaEndpoint(false));
            Api.Reply read = api.get("/api/whatsapp/endpoints/" + tenant + "/" + created.text("id"), ADMIN_KEY);
            Api.Reply changed = api.put("/api/whatsapp/endpoints/" + tenant + "/" + created.text("id"), ADMIN_KEY,
                    "{\"name\":\"Renamed\"}");
            Api.Reply reread = api.get("/api/whatsapp/endpoints/" + tenant + "/" + created.text("id"), ADMIN_KEY);

            assertThat(created.code()).isEqualTo(201);
            assertThat(read.code()).as(read.toString()).isEqualTo(200);
            assertThat(changed.code()).isEqualTo(200);
            assertThat(reread.text("name")).isEqualTo("Renamed");
        });
    }

    @Test
    void aSlowProcessorGets202AndTheCommandRouteFollowsIt() {
        h = new ManagementHarness(infra, TestIngress.management(ManagementHarness.SHORT, Duration.ofSeconds(1),
                ManagementHarness.SHORT, 5));
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");
            h.processor.mode = FakeProcessor.Mode.HOLD;

            Api.Reply pending = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, evolutionEndpoint());
            assertThat(pending.code()).as(pending.toString()).isEqualTo(202);
            assertThat(pending.text("status")).isEqualTo("pending");
            String location = pending.text("location");
            assertThat(location).isEqualTo("/api/whatsapp/commands/" + tenant + "/" + pending.text("commandId"));
            assertThat(pending.headers().get("Location")).containsExactly(location);
            Api.Reply notYet = api.get(location, ADMIN_KEY);
            assertThat(notYet.code()).isEqualTo(404);
            assertThat(notYet.text("code")).isEqualTo("command_not_found");

            h.processor.releaseHeld();
            Api.Reply done = api.get(location, ADMIN_KEY);
            assertThat(done.code()).as(done.toString()).isEqualTo(200);
            assertThat(done.text("status")).isEqualTo("applied");
            assertThat(done.json().get("httpStatus").asInt()).isEqualTo(201);
            assertThat(done.json().get("resource").get("apiKey").asText()).isEqualTo("****6t5y");
        });
    }

    @Test
    void aRefusedCommandAnswersTheProcessorsStatusAndCode() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");

            Api.Reply retried = api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");
            Api.Reply again = api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{\"webhookRetries\":9}");
            Api.Reply unknownPrimary = api.put("/api/whatsapp/config/" + tenant, ADMIN_KEY,
                    "{\"primaryEndpointId\":\"ep_doesNotExist0000\"}");

            assertThat(retried.code()).as("initialising again with the same settings").isEqualTo(200);
            assertThat(again.code()).isEqualTo(409);
            assertThat(again.text("code")).isEqualTo("tenant_exists");
            assertThat(unknownPrimary.code()).as(unknownPrimary.toString()).isEqualTo(422);
            assertThat(unknownPrimary.text("code")).isEqualTo("endpoint_not_found");
        });
    }

    @Test
    void updatesTheConfigurationAndKeepsWhatWasNotGiven() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{\"webhookRetries\":5}");

            Api.Reply updated = api.put("/api/whatsapp/config/" + tenant, ADMIN_KEY,
                    "{\"failoverEnabled\":false,\"messageTimeout\":20000}");

            assertThat(updated.code()).as(updated.toString()).isEqualTo(200);
            assertThat(updated.json().get("failoverEnabled").asBoolean()).isFalse();
            assertThat(updated.json().get("messageTimeout").asInt()).isEqualTo(20000);
            assertThat(updated.json().get("webhookRetries").asInt()).isEqualTo(5);
            assertThat(api.get("/api/whatsapp/config/" + tenant, ADMIN_KEY).json().get("messageTimeout").asInt())
                    .isEqualTo(20000);
        });
    }

    @Test
    void cloudApiEndpointsHaveNoDevicesToPair() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");
            String cloud = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY,
                    "{\"provider\":\"cloud-api\",\"phoneNumberId\":\"1234567890\",\"accessToken\":\""
                            + Canaries.text("ingress management cloud access token", "EAAG") + "\","
                            + "\"appSecret\":\"" + Canaries.text("ingress management cloud app secret")
                            + "\",\"verifyToken\":\"" + Canaries.text("ingress management cloud verify token")
                            + "\"}").text("id");
            // A device that predates the rule, sitting on the Cloud API endpoint.
            String dev = "dev_legacyCloud00001";
            h.redis.set(h.keys.device(dev), "{\"id\":\"" + dev + "\",\"tenantId\":\"" + tenant + "\",\"endpointId\":\""
                    + cloud + "\",\"status\":\"disconnected\",\"updatedAt\":\"2025-01-01T00:00:00Z\"}");

            Api.Reply create = api.post("/api/whatsapp/devices/" + tenant, ADMIN_KEY,
                    "{\"endpointId\":\"" + cloud + "\",\"deviceName\":\"phone\"}");
            Api.Reply connect = api.post("/api/whatsapp/devices/" + dev + "?action=connect", ADMIN_KEY, null);

            assertThat(create.code()).isEqualTo(422);
            assertThat(create.text("code")).isEqualTo("pairing_not_supported");
            assertThat(create.text("field")).isEqualTo("endpointId");
            assertThat(connect.code()).isEqualTo(422);
            assertThat(connect.text("code")).isEqualTo("pairing_not_supported");
            assertThat(h.published(h.topics.deviceCommands().name())).isEmpty();
        });
    }

    @Test
    void connectAnswers202WithTheDevicesStateWhenTheProviderIsSlow() {
        h = new ManagementHarness(infra, TestIngress.management(Duration.ofSeconds(3), Duration.ofSeconds(2),
                ManagementHarness.SHORT, 5));
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");
            String ep = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, wahaEndpoint(true)).text("id");
            String dev = api.post("/api/whatsapp/devices/" + tenant, ADMIN_KEY,
                    "{\"endpointId\":\"" + ep + "\",\"deviceName\":\"phone\"}").text("id");
            h.processor.deviceManagerAnswers = false;

            Api.Reply connect = api.post("/api/whatsapp/devices/" + dev + "?action=connect", ADMIN_KEY, null);

            assertThat(connect.code()).isEqualTo(202);
            assertThat(connect.text("status")).isEqualTo("disconnected");
            assertThat(connect.text("commandId")).startsWith("cmd_");
            assertThat(h.processor.deviceCommands).hasSize(1);
        });
    }

    /**
     * Twenty connects wait for a provider that does not answer: while they wait, the HTTP server's busy threads
     * stay where they were (a blocking wait would hold one each), and each still ends in its 202.
     */
    @Test
    void connectsWaitingForTheProviderHoldNoRequestThread() {
        h = new ManagementHarness(infra, TestIngress.management(Duration.ofSeconds(3), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 5));
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");
            String ep = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, wahaEndpoint(true)).text("id");
            String dev = api.post("/api/whatsapp/devices/" + tenant, ADMIN_KEY,
                    "{\"endpointId\":\"" + ep + "\",\"deviceName\":\"phone\"}").text("id");
            h.processor.deviceManagerAnswers = false;
            var pool = (org.eclipse.jetty.util.thread.QueuedThreadPool) h.ingress.javalin().jettyServer().server()
                    .getThreadPool();
            int busyBefore = pool.getBusyThreads();
            java.net.http.HttpClient http = AuditedHttpClient.of(java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build());
            List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> answers =
                    new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(http.sendAsync(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(api.origin() + "/api/whatsapp/devices/" + dev + "?action=connect"))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2))
                    .until(() -> h.processor.deviceCommands.size() == 20);
            // Threads finishing the handlers go back to the pool at once; a blocking wait would hold 20 for 5 s.
            org.awaitility.Awaitility.await("busy HTTP threads back below " + (busyBefore + 5) + " while connects wait")
                    .atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                    .until(pool::getBusyThreads, busy -> busy < busyBefore + 5);
            assertThat(answers).as("still waiting when measured")
                    .noneMatch(java.util.concurrent.CompletableFuture::isDone);

            for (var answer : answers) {
                var response = answer.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                assertThat(response.body()).contains("\"commandId\":\"cmd_", "\"status\":\"disconnected\"");
            }
        });
    }

    @Test
    void testHealthAnswersTheMonitorsLatestCheckWithItsAge() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");
            String ep = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, wahaEndpoint(true)).text("id");
            String path = "/api/whatsapp/endpoints/" + tenant + "/" + ep + "?action=test-health";

            Api.Reply none = api.post(path, ADMIN_KEY, null);
            Instant now = h.clock.instant();
            h.processor.health(new EndpointHealth(tenant, ep, HealthState.HEALTHY, 42L, null, now.minusSeconds(30),
                    now.minusSeconds(600), false));
            Api.Reply fresh = api.post(path, ADMIN_KEY, null);
            h.processor.health(new EndpointHealth(tenant, ep, HealthState.UNHEALTHY, null, "connect timed out",
                    now.minusSeconds(3600), now.minusSeconds(3600), false));
            Api.Reply stale = api.post(path, ADMIN_KEY, null);
            Api.Reply noAction = api.post("/api/whatsapp/endpoints/" + tenant + "/" + ep, ADMIN_KEY, null);

            assertThat(none.code()).isEqualTo(202);
            assertThat(none.text("state")).isEqualTo("unknown");
            assertThat(fresh.code()).as(fresh.toString()).isEqualTo(200);
            assertThat(fresh.json().get("healthy").asBoolean()).isTrue();
            assertThat(fresh.json().get("latencyMs").asLong()).isEqualTo(42);
            assertThat(fresh.json().get("ageSeconds").asLong()).isBetween(30L, 31L);
            assertThat(stale.code()).isEqualTo(202);
            assertThat(stale.json().get("fresh").asBoolean()).isFalse();
            assertThat(stale.text("lastError")).isEqualTo("connect timed out");
            assertThat(noAction.code()).isEqualTo(400);
            assertThat(noAction.text("field")).isEqualTo("action");
        });
    }

    @Test
    void tenantHealthSumsUpEndpointsAndDevices() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");
            String ep1 = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, wahaEndpoint(true)).text("id");
            String ep2 = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, evolutionEndpoint()).text("id");
            Api.Reply unknown = api.get("/api/whatsapp/health/" + tenant, ADMIN_KEY);
            Instant now = h.clock.instant();
            h.processor.health(new EndpointHealth(tenant, ep1, HealthState.HEALTHY, 12L, null, now, now, false));
            h.processor.health(new EndpointHealth(tenant, ep2, HealthState.UNHEALTHY, null, "HTTP 502", now, now,
                    false));

            Api.Reply degraded = api.get("/api/whatsapp/health/" + tenant, ADMIN_KEY);
            Api.Reply endpoints = api.get("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY);

            assertThat(unknown.text("overallHealth")).isEqualTo("unknown");
            assertThat(degraded.text("overallHealth")).isEqualTo("degraded");
            assertThat(degraded.json().get("endpoints").findValuesAsText("state")).containsExactly("healthy",
                    "unhealthy");
            assertThat(degraded.json().get("endpoints").get(0).get("latencyMs").asLong()).isEqualTo(12);
            assertThat(endpoints.json().get("endpoints").get(1).get("healthStatus").asText()).isEqualTo("unhealthy");
            assertThat(endpoints.json().get("endpoints").get(1).get("lastHealthCheck").asText())
                    .isEqualTo(now.toString());
        });
    }

    @Test
    void answers503AndWritesNothingWhenKafkaDoesNotAcknowledge() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            h.processor.acknowledges = false;

            Api.Reply init = api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");

            assertThat(init.code()).isEqualTo(503);
            assertThat(init.headers().get("Retry-After")).containsExactly("5");
            assertThat(h.processor.commands).isEmpty();
            assertThat(h.outcomes.waiting()).isZero();
        });
    }

    @SuppressWarnings("unchecked")
    static <T> T decode(ProducerRecord<byte[], byte[]> r, JsonSerde<T> serde) {
        Decoded<T> d = serde.decode(r.value());
        assertThat(d).isInstanceOf(Decoded.Ok.class);
        return ((Decoded.Ok<T>) d).value();
    }

    static ManagementCommand command(ManagementHarness h, int index) {
        return decode(h.published(h.topics.managementCommands().name()).get(index),
                (JsonSerde<ManagementCommand>) h.topics.managementCommands().valueSerde());
    }
}
