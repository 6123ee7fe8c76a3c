package com.booqing.whatsapp.e2e;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.e2e.RestClient.Answer;
import com.booqing.whatsapp.simulator.PairingTimings;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.evolution.EvolutionSettings;
import com.booqing.whatsapp.simulator.waha.WahaSettings;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The brief's usage story, told through the management API of a running gateway: a tenant is initialised, gets
 * a WAHA and a Cloud API endpoint, pairs a WAHA device by QR code and an Evolution device by pairing code, looks
 * at its health, and is torn down again — with the real processor (management topology), the health monitor's
 * device manager, the broker, Redis and the simulator's providers behind the ingress. No answer and no Redis value
 * may carry a secret in plaintext.
 *
 * <p>The steps share one tenant and run in order; each step needs the ones before it.
 */
@KafkaAndRedis
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagementStoryIT {
    private static final Duration PATIENCE = Duration.ofSeconds(15);
    private static final String PAIRING_PHONE = "+31612345678";

    private static Pipeline pipeline;
    private static RestClient rest;
    private static JedisPooled redis;
    private static String tenant;
    /** Every plaintext secret the story hands the gateway. */
    private static final List<String> SECRETS = new CopyOnWriteArrayList<>();
    /** Every answer body the gateway gave, checked for secrets at each step. */
    private static final List<String> ANSWERS = new CopyOnWriteArrayList<>();

    private static SimEndpoint wahaSim;
    private static SimEndpoint evolutionSim;
    private static SimEndpoint cloudSim;
    private static String wahaSimId;
    private static String evolutionSimId;
    private static String wahaSecretKey;
    private static String wahaHmacKey;
    private static String evolutionApiKey;
    private static String evolutionJwtKey;
    private static String cloudAccessToken;
    private static String cloudAppSecret;
    private static String cloudVerifyToken;

    private static String wahaEndpointId;
    private static String cloudEndpointId;
    private static String evolutionEndpointId;
    private static String wahaDeviceId;
    private static String evolutionDeviceId;

    @BeforeAll
    static void startGateway(Infra infra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true"); // the simulator listens on loopback
        // The brief's defaults, so step 1 can check them as the brief states them.
        env.put("WHATSAPP_DEFAULT_TIMEOUT", "30000");
        env.put("WHATSAPP_DEFAULT_RETRIES", "3");
        env.put("HEALTH_CHECK_INTERVAL_OVERRIDE_MS", "500");
        env.put("HEALTH_QR_POLL_INTERVAL_MS", "200");
        env.put("HEALTH_QR_WAIT_MS", "5000");
        env.put("HEALTH_RECONNECT_INTERVAL_OVERRIDE_MS", "200");
        env.put("HEALTH_GROUP_SESSION_TIMEOUT_MS", "6000");
        // QR codes at once, and living long enough for the story to scan them.
        SimulatorConfig simulator = SimulatorConfig.defaults().withPairing(new PairingTimings(Duration.ofMillis(20),
                Duration.ofSeconds(30), Duration.ofSeconds(30), 6, 30));
        pipeline = new Pipeline(infra, env, List.of(), new Pipeline.Options(simulator, true));
        rest = new RestClient(pipeline.ingressUrl());
        redis = infra.redis();
        tenant = infra.uniqueId("story");

        wahaSecretKey = secret("waha-api-key");
        wahaHmacKey = secret("waha-hmac-key");
        evolutionApiKey = secret("evolution-api-key");
        evolutionJwtKey = secret("evolution-jwt-key");
        cloudAccessToken = secret("cloud-access-token");
        cloudAppSecret = secret("cloud-app-secret");
        cloudVerifyToken = secret("cloud-verify-token");

        wahaSimId = infra.uniqueId("waha");
        wahaSim = pipeline.simulator.registerWaha(wahaSimId,
                new WahaSettings("front-desk", wahaSecretKey, wahaHmacKey, null, null, false), null, false);
        evolutionSimId = infra.uniqueId("evolution");
        evolutionSim = pipeline.simulator.registerEvolution(evolutionSimId, new EvolutionSettings("back-office",
                evolutionApiKey, evolutionJwtKey, null, null, null, false, false, null), null, false);
        cloudSim = pipeline.simulator.registerCloudApi(infra.uniqueId("cloud"), Pipeline.PHONE_NUMBER_ID,
                cloudAccessToken, cloudAppSecret, null);
    }

    @AfterAll
    static void stopGateway(Infra infra) {
        if (pipeline != null) {
            pipeline.close();
            infra.deleteKeys(pipeline.keys);
        }
    }

    @Test
    @Order(1)
    void initialisingATenantGivesItTheBriefsDefaults() {
        Answer created = call("POST", "/api/whatsapp/config/" + tenant, Map.of());
        assertThat(created.status()).as("init -> %s", created.body()).isIn(200, 201);

        Answer read = call("GET", "/api/whatsapp/config/" + tenant, null);
        assertThat(read.status()).as("GET config -> %s", read.body()).isEqualTo(200);
        JsonNode c = read.json();
        assertThat(c.path("tenantId").asText()).isEqualTo(tenant);
        assertThat(c.path("failoverEnabled").asBoolean(false)).isTrue();
        assertThat(c.path("autoReconnect").asBoolean(false)).isTrue();
        assertThat(c.path("reconnectInterval").asInt()).isEqualTo(30);
        assertThat(c.path("healthCheckInterval").asInt()).isEqualTo(60);
        assertThat(c.path("webhookRetries").asInt()).isEqualTo(3);
        assertThat(c.path("messageTimeout").asInt()).isEqualTo(30000);
        assertThat(c.path("primaryEndpointId").isNull() || c.path("primaryEndpointId").isMissingNode()).isTrue();
    }

    @Test
    @Order(2)
    void theFirstEndpointIsPrimaryAndNoAnswerShowsASecret() {
        Map<String, Object> waha = new LinkedHashMap<>();
        waha.put("name", "Front desk WAHA");
        waha.put("provider", "waha");
        waha.put("apiUrl", wahaSim.apiUrl());
        waha.put("apiKey", wahaSecretKey);
        waha.put("sessionName", "front-desk");
        waha.put("hmacKey", wahaHmacKey);
        Answer wahaCreated = call("POST", "/api/whatsapp/endpoints/" + tenant, waha);
        assertThat(wahaCreated.status()).as("create WAHA endpoint -> %s", wahaCreated.body()).isEqualTo(201);
        wahaEndpointId = wahaCreated.json().path("id").asText();
        assertThat(wahaEndpointId).startsWith("ep_");
        assertThat(wahaCreated.json().path("isPrimary").asBoolean(false)).as("the first endpoint").isTrue();

        Map<String, Object> cloud = new LinkedHashMap<>();
        cloud.put("name", "Cloud API");
        cloud.put("provider", "cloud-api");
        cloud.put("apiUrl", cloudSim.apiUrl());
        cloud.put("phoneNumberId", Pipeline.PHONE_NUMBER_ID);
        cloud.put("accessToken", cloudAccessToken);
        cloud.put("appSecret", cloudAppSecret);
        cloud.put("verifyToken", cloudVerifyToken);
        Answer cloudCreated = call("POST", "/api/whatsapp/endpoints/" + tenant, cloud);
        assertThat(cloudCreated.status()).as("create Cloud API endpoint -> %s", cloudCreated.body()).isEqualTo(201);
        cloudEndpointId = cloudCreated.json().path("id").asText();
        assertThat(cloudCreated.json().path("isPrimary").asBoolean(true)).as("the second endpoint").isFalse();

        Map<String, Object> evolution = new LinkedHashMap<>();
        evolution.put("name", "Back office Evolution");
        evolution.put("provider", "evolution");
        evolution.put("apiUrl", evolutionSim.apiUrl());
        evolution.put("apiKey", evolutionApiKey);
        evolution.put("instanceName", "back-office");
        evolution.put("webhookSecret", evolutionJwtKey);
        Answer evolutionCreated = call("POST", "/api/whatsapp/endpoints/" + tenant, evolution);
        assertThat(evolutionCreated.status()).as("create Evolution endpoint -> %s", evolutionCreated.body())
                .isEqualTo(201);
        evolutionEndpointId = evolutionCreated.json().path("id").asText();

        // The providers' webhooks (session status, QR codes) go to the ingress path of their gateway endpoint.
        pipeline.simulator.webhookUrl(wahaSimId, webhookUrl(wahaEndpointId));
        pipeline.simulator.webhookUrl(evolutionSimId, webhookUrl(evolutionEndpointId));

        Answer list = call("GET", "/api/whatsapp/endpoints/" + tenant, null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains(wahaEndpointId, cloudEndpointId, evolutionEndpointId);
        Answer config = call("GET", "/api/whatsapp/config/" + tenant, null);
        assertThat(config.json().path("primaryEndpointId").asText()).isEqualTo(wahaEndpointId);
        assertNoSecretInAnyAnswer();
    }

    @Test
    @Order(3)
    void aDeviceIsCreatedOnTheWahaEndpoint() {
        Answer created = call("POST", "/api/whatsapp/devices/" + tenant,
                Map.of("endpointId", wahaEndpointId, "deviceName", "Front desk phone"));
        assertThat(created.status()).as("create device -> %s", created.body()).isEqualTo(201);
        wahaDeviceId = created.json().path("id").asText();
        assertThat(wahaDeviceId).startsWith("dev_");

        Answer read = call("GET", "/api/whatsapp/devices/" + wahaDeviceId, null);
        assertThat(read.status()).as("GET device -> %s", read.body()).isEqualTo(200);
        assertThat(read.json().path("endpointId").asText()).isEqualTo(wahaEndpointId);
        assertThat(read.json().path("status").asText()).isEqualTo("disconnected");
    }

    @Test
    @Order(4)
    void connectingShowsAQrCodeAndScanningItConnectsTheDevice() {
        Answer connect = call("POST", "/api/whatsapp/devices/" + wahaDeviceId + "?action=connect", null);
        assertThat(connect.status()).as("connect -> %s", connect.body()).isIn(200, 202);
        JsonNode qr = connect.status() == 200 ? connect.json().path("qrCode")
                : await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> call("GET", "/api/whatsapp/devices/" + wahaDeviceId, null).json().path("qrCode"),
                        n -> n.isObject() || n.isTextual());
        String raw = qr.isTextual() ? qr.asText() : qr.path("raw").asText("");
        assertThat(raw).as("the QR code's value (%s)", connect.body()).isNotBlank();
        if (connect.status() == 200) {
            assertThat(qr.path("pngDataUrl").asText("")).startsWith("data:image/png;base64,");
        }
        assertThat(pipeline.simulator.sessionStatus(wahaSimId)).isEqualTo("SCAN_QR_CODE");

        pipeline.simulator.scanQr(wahaSimId);

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(call("GET", "/api/whatsapp/devices/" + wahaDeviceId, null).json().path("status").asText())
                        .isEqualTo("connected"));
    }

    @Test
    @Order(5)
    void connectingWithAPhoneNumberGivesAPairingCode() {
        Answer created = call("POST", "/api/whatsapp/devices/" + tenant,
                Map.of("endpointId", evolutionEndpointId, "deviceName", "Back office phone"));
        assertThat(created.status()).as("create device -> %s", created.body()).isEqualTo(201);
        evolutionDeviceId = created.json().path("id").asText();

        Answer connect = call("POST", "/api/whatsapp/devices/" + evolutionDeviceId + "?action=connect",
                Map.of("phoneNumber", PAIRING_PHONE));
        assertThat(connect.status()).as("connect with a phone number -> %s", connect.body()).isIn(200, 202);
        String code = connect.status() == 200 ? connect.json().path("pairingCode").asText("")
                : await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> call("GET", "/api/whatsapp/devices/" + evolutionDeviceId, null).json()
                        .path("pairingCode").asText(""), c -> !c.isBlank());
        assertThat(code).as("pairing code (%s)", connect.body()).isNotBlank();

        pipeline.simulator.confirmPairingCode(evolutionSimId, code);

        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(call("GET", "/api/whatsapp/devices/" + evolutionDeviceId, null).json().path("status")
                        .asText()).isEqualTo("connected"));
    }

    @Test
    @Order(6)
    void theTenantsHealthShowsItsEndpointsAndDevices() {
        Answer health = call("GET", "/api/whatsapp/health/" + tenant, null);
        assertThat(health.status()).as("health -> %s", health.body()).isEqualTo(200);
        List<String> endpoints = new ArrayList<>();
        health.json().path("endpoints").forEach(e -> endpoints.add(e.path("id").asText()));
        assertThat(endpoints).contains(wahaEndpointId, cloudEndpointId, evolutionEndpointId);
        List<String> devices = new ArrayList<>();
        health.json().path("devices").forEach(d -> devices.add(d.path("id").asText()));
        assertThat(devices).contains(wahaDeviceId);
        assertThat(health.json().path("overallHealth").asText()).isIn("healthy", "degraded", "unhealthy", "unknown");
    }

    @Test
    @Order(7)
    void disconnectingDeletingAndTenantIsolation() {
        Answer disconnect = call("POST", "/api/whatsapp/devices/" + wahaDeviceId + "?action=disconnect", null);
        assertThat(disconnect.status()).as("disconnect -> %s", disconnect.body()).isIn(200, 202);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(call("GET", "/api/whatsapp/devices/" + wahaDeviceId, null).json().path("status").asText())
                        .isEqualTo("disconnected"));

        Answer deleted = call("DELETE", "/api/whatsapp/devices/" + wahaDeviceId, null);
        assertThat(deleted.status()).as("delete device -> %s", deleted.body()).isEqualTo(200);
        assertThat(call("GET", "/api/whatsapp/devices/" + wahaDeviceId, null).status()).isEqualTo(404);

        // Cloud API and Evolution are both active with weight 1: the older one takes over.
        Answer primaryDeleted = call("DELETE", "/api/whatsapp/endpoints/" + tenant + "/" + wahaEndpointId, null);
        assertThat(primaryDeleted.status()).as("delete primary -> %s", primaryDeleted.body()).isEqualTo(200);
        assertThat(primaryDeleted.json().path("detail").asText()).contains(cloudEndpointId).contains("promoted");
        // Expected behaviour (ingress MANAGEMENT.md, read-your-writes): a GET right after the 2xx shows the promotion.
        // Known product gap: the ingress's delete waits only until whatsapp:endpoint:{deleted} is gone, not for the
        // promoted endpoint and the configuration, so this fails now and then until the ingress waits for them too.
        assertThat(call("GET", "/api/whatsapp/config/" + tenant, null).json().path("primaryEndpointId").asText())
                .as("primaryEndpointId right after deleting the primary").isEqualTo(cloudEndpointId);
        assertThat(call("GET", "/api/whatsapp/endpoints/" + tenant + "/" + cloudEndpointId, null).json()
                .path("isPrimary").asBoolean(false)).as("the promoted endpoint right after").isTrue();

        String other = tenant + "-other";
        assertThat(call("POST", "/api/whatsapp/config/" + other, Map.of()).status()).isIn(200, 201);
        // The one answer that shows a key by design: kept out of the answers checked for secrets.
        Answer issued = rest.admin("POST", "/api/whatsapp/keys/" + other, Map.of());
        assertThat(issued.status()).as("issue key -> %s", issued.body()).isEqualTo(201);
        String otherKey = issued.json().path("key").asText();
        assertThat(otherKey).startsWith("wak_key_");
        SECRETS.add(otherKey);

        Answer own = rest.call("GET", "/api/whatsapp/config/" + other, null, otherKey);
        assertThat(own.status()).as("own tenant with its key -> %s", own.body()).isEqualTo(200);
        Answer foreign = rest.call("GET", "/api/whatsapp/devices/" + evolutionDeviceId, null, otherKey);
        ANSWERS.add(foreign.body());
        assertThat(foreign.status()).as("another tenant's device -> %s", foreign.body()).isEqualTo(404);
        Answer foreignList = rest.call("GET", "/api/whatsapp/devices/" + tenant, null, otherKey);
        ANSWERS.add(foreignList.body());
        assertThat(foreignList.status()).as("another tenant's devices -> %s", foreignList.body()).isEqualTo(404);
        assertNoSecretInAnyAnswer();
    }

    @Test
    @Order(8)
    void redisHoldsNoPlaintextSecret() {
        assertThat(SECRETS).isNotEmpty();
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        do {
            ScanResult<String> page = redis.scan(cursor, new ScanParams().match(pipeline.keys.namespace() + ":*")
                    .count(500));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && System.nanoTime() < deadline);
        assertThat(keys).as("the story's keys").isNotEmpty();

        for (String key : keys) {
            String value = switch (redis.type(key)) {
                case "string" -> redis.get(key);
                case "hash" -> redis.hgetAll(key).toString();
                case "list" -> redis.lrange(key, 0, -1).toString();
                case "set" -> redis.smembers(key).toString();
                case "zset" -> redis.zrange(key, 0, -1).toString();
                default -> "";
            };
            if (value == null) {
                continue; // expired or deleted between SCAN and GET
            }
            for (String secret : SECRETS) {
                assertThat(value).as("Redis key %s", key).doesNotContain(secret).doesNotContain(middle(secret));
            }
        }
    }

    private static Answer call(String method, String path, Object body) {
        Answer a = rest.admin(method, path, body);
        ANSWERS.add(a.body());
        return a;
    }

    private static void assertNoSecretInAnyAnswer() {
        for (String answer : ANSWERS) {
            for (String secret : SECRETS) {
                assertThat(answer).doesNotContain(secret).doesNotContain(middle(secret));
            }
        }
    }

    /** What no mask shows: a secret without its first and last four characters. */
    private static String middle(String secret) {
        return secret.substring(4, secret.length() - 4);
    }

    private static String webhookUrl(String endpointId) {
        return pipeline.ingressUrl() + "/api/whatsapp/webhook/" + tenant + "/" + endpointId;
    }

    private static String secret(String name) {
        String s = Canaries.text("e2e management story " + name, name + "-");
        SECRETS.add(s);
        return s;
    }
}
