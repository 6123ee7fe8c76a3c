package com.booqing.whatsapp.reliability.secrets;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.reliability.secrets.RecordingHttp.Answer;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.PairingTimings;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.evolution.EvolutionBehaviour;
import com.booqing.whatsapp.simulator.evolution.EvolutionSettings;
import com.booqing.whatsapp.simulator.evolution.Jwt;
import com.booqing.whatsapp.simulator.waha.WahaSettings;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.testkit.canary.Canary;
import com.booqing.whatsapp.testkit.canary.CanaryScanner;
import com.booqing.whatsapp.testkit.canary.CanaryScanner.Hit;
import com.booqing.whatsapp.testkit.canary.LogCapture;
import com.booqing.whatsapp.testkit.canary.LogCapture.Kind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The secret-canary run (issue 9, "Secrets"): the whole gateway runs with canary values for every secret it is
 * given or handed — admin key, tenant keys, Cloud API access token / app secret / verify token, WAHA API key and
 * HMAC key, Evolution API key and webhook secret, the Evolution instance token (session data), stream tokens, and
 * both encryption keys — through every flow that touches one, good and bad. Then each canary's core is searched,
 * in every usual encoding, in all captured logs (every logger at DEBUG), every record of every topic of the run
 * (keys, values, headers), every HTTP answer the run received and a dump of every Redis key of its namespace.
 * Expected and asserted: none found. Sealed fields are checked to open to the canary with the key only.
 *
 * <p>The steps share one gateway and run in order; the search runs last, after the gateway has stopped, so that
 * every log line is written.
 */
@KafkaAndRedis
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretCanaryIT {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String PHONE_NUMBER_ID = "100000000000001";
    private static final String CUSTOMER = "+14155550123";
    private static final String PAIRING_PHONE = "+31612345678";
    private static final Path OUT = Path.of("target", "secret-canary");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final List<Canary> CANARIES = new CopyOnWriteArrayList<>();
    private static final Map<String, String> VALUES = new LinkedHashMap<>(); // canary name -> value, for the test

    private static LogCapture logs;
    private static CanaryGateway gw;
    private static RecordingHttp http;
    private static JedisPooled redis;
    private static Infra infra;
    private static String base;
    private static String adminKey;
    private static byte[] currentKey;
    private static byte[] oldKey;
    private static String tenant;
    private static String tenantKey;
    private static String tenantKeyId;

    private static String cloudSimId;
    private static String wahaSimId;
    private static String evolutionSimId;
    private static SimEndpoint cloudSim;
    private static SimEndpoint wahaSim;
    private static SimEndpoint evolutionSim;
    private static EvolutionBehaviour evolution;
    private static String cloudEp;
    private static String wahaEp;
    private static String evolutionEp;
    private static String wahaDevice;
    private static String evolutionDevice;
    private static final List<String> SCENARIO = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startGatewayWithCanaries(Infra testInfra) throws IOException {
        infra = testInfra;
        Files.createDirectories(OUT);
        logs = new LogCapture(OUT, Boolean.getBoolean("canary.allDebug"));
        adminKey = canary("admin API key", "adm" + token(24));
        currentKey = new byte[32];
        oldKey = new byte[32];
        RANDOM.nextBytes(currentKey);
        RANDOM.nextBytes(oldKey);
        CANARIES.add(Canary.binary("encryption key k2 (current)", currentKey));
        CANARIES.add(Canary.binary("encryption key k1 (old)", oldKey));
        // The suite-wide audit (testkit's CanaryAudit) searches the topics and Redis keys for them too.
        Canaries.registerKey("secret-canary encryption key k2 (current)", currentKey);
        Canaries.registerKey("secret-canary encryption key k1 (old)", oldKey);

        Map<String, String> vars = new HashMap<>();
        String prefix = infra.uniqueId("canary") + "-";
        vars.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
        vars.put("REDIS_URL", infra.redisUrl());
        vars.put("WHATSAPP_TOPIC_PREFIX", prefix);
        vars.put("PROCESSOR_APPLICATION_ID", prefix + "processor"); // its internal topics carry the prefix too
        vars.put("WHATSAPP_REDIS_NAMESPACE", infra.newRedisKeys().namespace());
        vars.put("WHATSAPP_ENCRYPTION_KEYS", "k2:" + Base64.getEncoder().encodeToString(currentKey) + ",k1:"
                + Base64.getEncoder().encodeToString(oldKey));
        vars.put("WHATSAPP_ADMIN_API_KEY", adminKey);
        vars.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true"); // the simulator listens on loopback
        vars.put("INGRESS_HOST", "127.0.0.1");
        vars.put("INGRESS_PORT", "0");
        vars.put("METRICS_HOST", "127.0.0.1");
        vars.put("PROCESSOR_METRICS_PORT", "0");
        vars.put("SENDER_METRICS_PORT", "0");
        vars.put("HEALTH_METRICS_PORT", "0");
        vars.put("INGRESS_COMMAND_WAIT_MS", "15000");
        vars.put("WHATSAPP_DEFAULT_TIMEOUT", "4000");
        vars.put("WHATSAPP_DEFAULT_RETRIES", "1");
        vars.put("SENDER_BACKOFF_BASE_MS", "100");
        vars.put("SENDER_BACKOFF_MAX_MS", "300");
        vars.put("SENDER_BREAKER_OPEN_MS", "500");
        vars.put("HEALTH_CHECK_INTERVAL_OVERRIDE_MS", "500");
        vars.put("HEALTH_QR_POLL_INTERVAL_MS", "200");
        vars.put("HEALTH_QR_WAIT_MS", "5000");
        vars.put("HEALTH_RECONNECT_INTERVAL_OVERRIDE_MS", "200");
        vars.put("HEALTH_GROUP_SESSION_TIMEOUT_MS", "6000");
        SimulatorConfig simulator = SimulatorConfig.defaults().withPairing(new PairingTimings(Duration.ofMillis(20),
                Duration.ofSeconds(30), Duration.ofSeconds(30), 6, 30));
        gw = new CanaryGateway(vars, simulator);
        base = gw.ingressUrl();
        http = new RecordingHttp();
        redis = infra.redis();
        tenant = infra.uniqueId("canary");

        // The WhatsApp servers know the same secrets the gateway will be given.
        cloudSimId = infra.uniqueId("cloud");
        cloudSim = gw.simulator.registerCloudApi(cloudSimId, PHONE_NUMBER_ID,
                canary("cloud access token", "EAAG" + token(40)),
                canary("cloud app secret", "app\"sec\\ret/+&=%" + token(24)), null);
        wahaSimId = infra.uniqueId("waha");
        wahaSim = gw.simulator.registerWaha(wahaSimId, new WahaSettings("front-desk",
                canary("WAHA API key", "waha" + token(32)),
                canary("WAHA HMAC key", "hmac\"key\\/+&=%" + token(24)), null, null, false), null, true);
        evolutionSimId = infra.uniqueId("evo");
        evolution = new EvolutionBehaviour(new EvolutionSettings("back-office",
                canary("Evolution API key", "evo" + token(32)),
                canary("Evolution webhook secret", "jwt\"key\\/+&=%" + token(24)), null, null, null, false, false,
                null), JSON, Clock.systemUTC(), simulator.pairing());
        evolutionSim = gw.simulator.register(evolutionSimId, evolution, null, true);
        canary("cloud verify token", "vrfy" + token(24));
        canary("wrong API key (auth failure)", "wrong" + token(24));
        canary("rotated cloud access token", "EAAG" + token(40));
    }

    @AfterAll
    static void stopAndClean() {
        if (gw != null) {
            gw.close(); // idempotent enough: the search closes it first
        }
        if (logs != null) {
            logs.close();
        }
        if (gw != null) {
            infra.deleteKeys(gw.keys);
        }
    }

    @Test
    @Order(1)
    void managementFlowsWithSecretsAnswerMaskedAndRefuseBadInput() {
        // tenant init, a second identical init, a configuration change
        assertThat(admin("POST", "/api/whatsapp/config/" + tenant, Map.of()).status()).isIn(200, 201);
        assertThat(admin("POST", "/api/whatsapp/config/" + tenant, Map.of()).status()).isIn(200, 201);
        Answer changed = admin("PUT", "/api/whatsapp/config/" + tenant,
                Map.of("healthCheckInterval", 30, "failoverEnabled", false));
        assertThat(changed.status()).as("config change -> %s", changed.body()).isEqualTo(200);

        // a tenant key: shown once, in this answer only
        Answer issued = admin("POST", "/api/whatsapp/keys/" + tenant, Map.of());
        assertThat(issued.status()).as("issue key -> %s", issued.body()).isEqualTo(201);
        tenantKey = issued.json().path("key").asText();
        tenantKeyId = issued.json().path("keyId").asText();
        // "wak_key_<id>_<secret>": the id part is shown in lists by design; the secret part is the canary
        String secretPart = tenantKey.substring(tenantKey.lastIndexOf('_') + 1);
        CANARIES.add(Canary.text("tenant API key", secretPart));
        http.allowInLast("tenant API key");
        assertThat(admin("GET", "/api/whatsapp/keys/" + tenant, null).status()).isEqualTo(200);
        assertThat(asTenant("GET", "/api/whatsapp/config/" + tenant, null).status()).isEqualTo(200);
        assertThat(asTenant("GET", "/api/whatsapp/keys/" + tenant, null).status()).isEqualTo(403);

        // endpoints of all three providers, through the tenant key
        cloudEp = createEndpoint(Map.of("name", "Cloud", "provider", "cloud-api", "apiUrl", cloudSim.apiUrl(),
                "phoneNumberId", PHONE_NUMBER_ID, "accessToken", VALUES.get("cloud access token"),
                "appSecret", VALUES.get("cloud app secret"), "verifyToken", VALUES.get("cloud verify token")));
        wahaEp = createEndpoint(Map.of("name", "WAHA", "provider", "waha", "apiUrl", wahaSim.apiUrl(),
                "apiKey", VALUES.get("WAHA API key"), "sessionName", "front-desk",
                "hmacKey", VALUES.get("WAHA HMAC key")));
        evolutionEp = createEndpoint(Map.of("name", "Evolution", "provider", "evolution",
                "apiUrl", evolutionSim.apiUrl(), "apiKey", VALUES.get("Evolution API key"),
                "instanceName", "back-office", "webhookSecret", VALUES.get("Evolution webhook secret")));
        gw.simulator.webhookUrl(cloudSimId, base + webhookPath(cloudEp));
        gw.simulator.webhookUrl(wahaSimId, base + webhookPath(wahaEp));
        gw.simulator.webhookUrl(evolutionSimId, base + webhookPath(evolutionEp));

        Answer list = asTenant("GET", "/api/whatsapp/endpoints/" + tenant, null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).contains(cloudEp, wahaEp, evolutionEp).contains("****");
        for (String ep : List.of(cloudEp, wahaEp, evolutionEp)) {
            assertThat(asTenant("GET", "/api/whatsapp/endpoints/" + tenant + "/" + ep, null).status())
                    .isEqualTo(200);
        }

        // bad input that carries secrets: each refused without quoting them
        Map<String, Object> wrongProvider = new LinkedHashMap<>(Map.of("name", "x", "provider", "telegram",
                "apiUrl", cloudSim.apiUrl(), "apiKey", VALUES.get("cloud access token")));
        assertThat(asTenant("POST", "/api/whatsapp/endpoints/" + tenant, wrongProvider).status()).isEqualTo(400);
        Map<String, Object> urlWithUserInfo = Map.of("name", "x", "provider", "waha",
                "apiUrl", "http://user:" + VALUES.get("WAHA API key") + "@127.0.0.1:1/",
                "apiKey", VALUES.get("WAHA API key"), "sessionName", "s", "hmacKey", VALUES.get("WAHA HMAC key"));
        assertThat(asTenant("POST", "/api/whatsapp/endpoints/" + tenant, urlWithUserInfo).status()).isEqualTo(400);
        Map<String, Object> foreignField = Map.of("name", "x", "provider", "waha", "apiUrl", wahaSim.apiUrl(),
                "apiKey", VALUES.get("WAHA API key"), "sessionName", "s", "hmacKey", VALUES.get("WAHA HMAC key"),
                "appSecret", VALUES.get("cloud app secret"));
        assertThat(asTenant("POST", "/api/whatsapp/endpoints/" + tenant, foreignField).status()).isEqualTo(400);
        Answer unknownField = asTenant("PUT", "/api/whatsapp/endpoints/" + tenant + "/" + wahaEp,
                Map.of("hmacKey", VALUES.get("WAHA HMAC key"), "password", VALUES.get("WAHA API key")));
        assertThat(unknownField.status()).isEqualTo(400);
        String broken = "{\"apiKey\":\"" + VALUES.get("Evolution API key") + "\",";
        assertThat(asTenant("POST", "/api/whatsapp/endpoints/" + tenant, broken).status()).isIn(400, 415);
        assertThat(http.json("GET", base + "/api/whatsapp/config/" + tenant, VALUES.get("wrong API key (auth failure)"),
                null).status()).isEqualTo(401);
        assertThat(http.json("GET", base + "/api/whatsapp/config/" + tenant, null, null).status()).isEqualTo(401);
        assertThat(asTenant("GET", "/api/whatsapp/endpoints/" + tenant + "/ep_nope", null).status()).isEqualTo(404);
        SCENARIO.add("tenant init x2, config change, key issue/list, endpoints create x3 (all providers), list/get,"
                + " 5 refused creates/updates carrying secrets, 401 x2, 403, 404");
    }

    @Test
    @Order(2)
    void devicesPairByQrCodeAndPairingCodeAndHandOutSessionData() {
        wahaDevice = createDevice(wahaEp, "Front desk phone");
        Answer connect = asTenant("POST", "/api/whatsapp/devices/" + wahaDevice + "?action=connect", null);
        assertThat(connect.status()).as("connect -> %s", connect.body()).isIn(200, 202);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() ->
                "SCAN_QR_CODE".equals(gw.simulator.sessionStatus(wahaSimId)));
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() ->
                !asTenant("GET", "/api/whatsapp/devices/" + wahaDevice, null).json().path("qrCode").isMissingNode());
        gw.simulator.scanQr(wahaSimId);
        awaitDeviceStatus(wahaDevice, "connected");

        // The instance is created by the device manager, so Evolution hands it a fresh instance token ("hash"):
        // session data the gateway must keep sealed.
        http.send("DELETE", evolutionSim.apiUrl() + "/instance/delete/back-office",
                Map.of("apikey", VALUES.get("Evolution API key")), null);
        evolutionDevice = createDevice(evolutionEp, "Back office phone");
        Answer pair = asTenant("POST", "/api/whatsapp/devices/" + evolutionDevice + "?action=connect",
                Map.of("phoneNumber", PAIRING_PHONE));
        assertThat(pair.status()).as("connect with a number -> %s", pair.body()).isIn(200, 202);
        String code = pair.status() == 200 && !pair.json().path("pairingCode").asText("").isEmpty()
                ? pair.json().path("pairingCode").asText()
                : await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() ->
                asTenant("GET", "/api/whatsapp/devices/" + evolutionDevice, null).json().path("pairingCode")
                        .asText(""), c -> !c.isBlank());
        gw.simulator.confirmPairingCode(evolutionSimId, code);
        awaitDeviceStatus(evolutionDevice, "connected");
        String instanceToken = evolution.instanceToken();
        assertThat(instanceToken).isNotBlank();
        CANARIES.add(Canary.text("Evolution instance token (session data)", instanceToken));
        VALUES.put("Evolution instance token (session data)", instanceToken);

        assertThat(asTenant("GET", "/api/whatsapp/devices/" + tenant, null).status()).isEqualTo(200);
        assertThat(asTenant("POST", "/api/whatsapp/devices/" + tenant,
                Map.of("endpointId", cloudEp, "deviceName", "Cloud phone")).status()).as("Cloud API device")
                .isEqualTo(422);
        SCENARIO.add("devices: WAHA create/connect/QR/scan -> connected; Evolution instance deleted, create/connect"
                + " with pairing code -> connected (new instance token); list; Cloud API device refused 422");
    }

    @Test
    @Order(3)
    void webhooksOfEveryProviderAreAcceptedSignedAndRefusedOtherwise() throws Exception {
        for (String sim : List.of(cloudSimId, wahaSimId, evolutionSimId)) {
            assertThat(gw.simulator.postInboundText(sim, "+14155550999", "hello from " + sim).accepted())
                    .as("signed webhook of %s", sim).isTrue();
        }
        // the verify handshake, good and wrong token
        Answer verified = http.send("GET", base + webhookPath(cloudEp) + "?hub.mode=subscribe&hub.verify_token="
                + VALUES.get("cloud verify token") + "&hub.challenge=1158201444", Map.of(), null);
        assertThat(verified.status()).isEqualTo(200);
        Answer refused = http.send("GET", base + webhookPath(cloudEp) + "?hub.mode=subscribe&hub.verify_token="
                + "not-the-token-0000000&hub.challenge=1158201444", Map.of(), null);
        assertThat(refused.status()).isIn(401, 403);
        assertThat(gw.simulator.verifyWebhook(cloudSimId, VALUES.get("cloud verify token")).status()).isEqualTo(200);

        // replays of the providers' own bodies: signed right (a duplicate) and wrong, by hand
        byte[] cloudBody = lastWebhookBody(cloudSimId);
        String appSecret = VALUES.get("cloud app secret");
        webhook(cloudEp, cloudBody, Map.of("X-Hub-Signature-256", "sha256=" + hmac("HmacSHA256", appSecret,
                cloudBody)), 200);
        webhook(cloudEp, cloudBody, Map.of("X-Hub-Signature-256", "sha256=" + hmac("HmacSHA256",
                "someone-elses-secret-123", cloudBody)), 401);
        webhook(cloudEp, cloudBody, Map.of("X-Hub-Signature-256", "sha1=" + hmac("HmacSHA1", appSecret,
                cloudBody)), 401);
        webhook(cloudEp, cloudBody, Map.of(), 401);
        byte[] wahaBody = lastWebhookBody(wahaSimId);
        String hmacKey = VALUES.get("WAHA HMAC key");
        webhook(wahaEp, wahaBody, Map.of("X-Webhook-Hmac", hmac("HmacSHA512", hmacKey, wahaBody),
                "X-Webhook-Hmac-Algorithm", "sha512"), 200);
        webhook(wahaEp, wahaBody, Map.of("X-Webhook-Hmac", hmac("HmacSHA512", "someone-elses-secret-123",
                wahaBody), "X-Webhook-Hmac-Algorithm", "sha512"), 401);
        webhook(wahaEp, wahaBody, Map.of(), 401);
        byte[] evoBody = lastWebhookBody(evolutionSimId);
        long now = Instant.now().getEpochSecond();
        webhook(evolutionEp, evoBody, Map.of("Authorization", "Bearer " + Jwt.webhookToken(JSON,
                VALUES.get("Evolution webhook secret"), now)), 200);
        webhook(evolutionEp, evoBody, Map.of("Authorization", "Bearer " + Jwt.webhookToken(JSON,
                "someone-elses-secret-123", now)), 401);
        webhook(evolutionEp, evoBody, Map.of(), 401);
        // another tenant's endpoint id under this tenant, and an unknown tenant
        webhook(cloudEp, cloudBody, Map.of("X-Hub-Signature-256", "sha256=" + hmac("HmacSHA256", appSecret,
                cloudBody)), 401, "/api/whatsapp/webhook/" + tenant + "-other/" + cloudEp);
        SCENARIO.add("webhooks: 3 signed by the simulator; Cloud verify handshake good/wrong (+ simulator's);"
                + " by hand per provider: right signature, wrong secret, missing; Cloud sha1 prefix; other tenant");
    }

    @Test
    @Order(4)
    void sendsThroughEveryProviderIncludingProviderFaultsAndAuthFailures() {
        List<String> ok = new ArrayList<>();
        for (String ep : List.of(cloudEp, wahaEp, evolutionEp)) {
            ok.add(send(ep, "good send via " + ep));
        }
        for (String id : ok) {
            assertThat(awaitTerminal(id)).as("message %s", id).isIn("sent", "delivered", "read");
        }
        Map<String, String> sims = Map.of(cloudEp, cloudSimId, wahaEp, wahaSimId, evolutionEp, evolutionSimId);
        for (Fault fault : List.of(Fault.fail(500), Fault.rateLimit(Duration.ofMillis(200)), Fault.dark())) {
            for (Map.Entry<String, String> e : sims.entrySet()) {
                gw.simulator.fault(e.getValue(), fault);
            }
            List<String> faulted = new ArrayList<>();
            for (String ep : sims.keySet()) {
                faulted.add(send(ep, "send during " + fault.mode() + " via " + ep));
            }
            for (String id : faulted) {
                assertThat(awaitTerminal(id)).as("message %s under %s", id, fault.mode()).isEqualTo("failed");
            }
            for (String sim : sims.values()) {
                gw.simulator.fault(sim, Fault.none());
            }
        }
        // auth failures: each endpoint briefly holds a wrong key, then the right one again
        String wrong = VALUES.get("wrong API key (auth failure)");
        Map<String, String> right = Map.of(cloudEp, VALUES.get("cloud access token"), wahaEp,
                VALUES.get("WAHA API key"), evolutionEp, VALUES.get("Evolution API key"));
        List<String> refused = new ArrayList<>();
        for (String ep : sims.keySet()) {
            assertThat(asTenant("PUT", "/api/whatsapp/endpoints/" + tenant + "/" + ep, Map.of("apiKey", wrong))
                    .status()).isEqualTo(200);
            refused.add(send(ep, "send with a wrong key via " + ep));
        }
        for (String id : refused) {
            assertThat(awaitTerminal(id)).as("message %s with a wrong key", id).isEqualTo("failed");
        }
        for (String ep : sims.keySet()) {
            assertThat(asTenant("PUT", "/api/whatsapp/endpoints/" + tenant + "/" + ep,
                    Map.of("apiKey", right.get(ep))).status()).isEqualTo(200);
        }
        // a rotation: the Cloud API token changes, on both sides, and sending works again
        String rotated = VALUES.get("rotated cloud access token");
        gw.simulator.registerCloudApi(cloudSimId, PHONE_NUMBER_ID, rotated, VALUES.get("cloud app secret"),
                base + webhookPath(cloudEp));
        assertThat(asTenant("PUT", "/api/whatsapp/endpoints/" + tenant + "/" + cloudEp,
                Map.of("accessToken", rotated)).status()).isEqualTo(200);
        String afterRotation = send(cloudEp, "after the rotation");
        assertThat(awaitTerminal(afterRotation)).isIn("sent", "delivered", "read");
        for (String id : ok) {
            assertThat(asTenant("GET", "/api/whatsapp/messages/" + tenant + "/" + id, null).status()).isEqualTo(200);
        }
        assertThat(asTenant("GET", "/api/whatsapp/conversations/" + tenant, null).status()).isEqualTo(200);
        SCENARIO.add("sends: 3 good; fail(500), rate-limit, dark on all 3 providers (9 failed); wrong key on all 3"
                + " (3 failed) then restored; Cloud token rotated on both sides, send ok; message/conversation reads");
    }

    @Test
    @Order(5)
    void healthStreamStatusAndMetricsAnswerWithoutSecrets() {
        assertThat(asTenant("GET", "/api/whatsapp/health/" + tenant, null).status()).isEqualTo(200);
        for (String ep : List.of(cloudEp, wahaEp, evolutionEp)) {
            assertThat(asTenant("POST", "/api/whatsapp/endpoints/" + tenant + "/" + ep + "?action=test-health",
                    null).status()).isIn(200, 202);
        }
        Answer token = asTenant("POST", "/api/whatsapp/stream/" + tenant + "/token", null);
        assertThat(token.status()).as("stream token -> %s", token.body()).isIn(200, 201);
        String streamToken = token.json().path("token").asText();
        String mac = streamToken.substring(streamToken.lastIndexOf('.') + 1);
        CANARIES.add(Canary.text("stream token", mac));
        http.allowInLast("stream token");
        assertThat(http.stream(base + "/api/whatsapp/stream/" + tenant + "?access_token=" + streamToken, Map.of(),
                Duration.ofMillis(1500))).isEqualTo(200);
        assertThat(http.stream(base + "/api/whatsapp/stream/" + tenant, Map.of("Authorization", "Bearer "
                + tenantKey), Duration.ofMillis(1500))).isEqualTo(200);
        assertThat(http.send("GET", base + "/status/" + tenant, Map.of(), null).status()).isEqualTo(200);
        assertThat(http.send("GET", base + "/health", Map.of(), null).status()).isEqualTo(200);
        assertThat(http.send("GET", base + "/metrics", Map.of(), null).status()).isEqualTo(200);
        assertThat(http.send("GET", base + "/openapi.json", Map.of(), null).status()).isEqualTo(200);
        for (String url : gw.metricsUrls().values()) {
            assertThat(http.send("GET", url + "/metrics", Map.of(), null).status()).isEqualTo(200);
            http.send("GET", url + "/healthz", Map.of(), null);
        }
        SCENARIO.add("health: tenant health, test-health x3; live stream by token and by key; status page;"
                + " /health, /metrics, /openapi.json; metrics and healthz of processor, sender, health monitor");
    }

    @Test
    @Order(6)
    void sessionDataIsCiphertextInRedisAndOnTheSessionsTopic() throws Exception {
        String instanceToken = VALUES.get("Evolution instance token (session data)");
        String sessionKey = gw.keys.session(evolutionDevice);
        String atRest = await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() ->
                redis.get(sessionKey), v -> v != null && openSession(v, tenant, evolutionDevice)
                .contains(instanceToken));
        assertThat(atRest).doesNotContain(instanceToken).doesNotContain("instanceToken").doesNotContain("back-office");
        assertWrongKeyOrContextCannotOpen(Sealed.of(atRest), DeviceSession.context(tenant, evolutionDevice));

        List<ConsumerRecord<byte[], byte[]>> sessions = readTopic(gw.topics.deviceSessions().name());
        int sealedWithToken = 0;
        for (ConsumerRecord<byte[], byte[]> r : sessions) {
            if (r.value() == null) {
                continue;
            }
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain(instanceToken);
            DeviceSession s = gw.topics.deviceSessions().valueSerde().deserializer()
                    .deserialize(gw.topics.deviceSessions().name(), r.value());
            String opened = openSession(s.data().token(), s.tenantId(), s.deviceId());
            if (opened.contains(instanceToken)) {
                sealedWithToken++;
            }
        }
        assertThat(sealedWithToken).as("session records holding the instance token, sealed").isPositive();

        // the WAHA device's session too is ciphertext at rest; then it is deleted with its device
        String wahaSession = redis.get(gw.keys.session(wahaDevice));
        assertThat(wahaSession).isNotNull().doesNotContain("front-desk").doesNotContain("\"provider\"");
        Answer disconnected = asTenant("POST", "/api/whatsapp/devices/" + wahaDevice + "?action=disconnect", null);
        assertThat(disconnected.status()).isIn(200, 202);
        awaitDeviceStatus(wahaDevice, "disconnected");
        assertThat(asTenant("DELETE", "/api/whatsapp/devices/" + wahaDevice, null).status()).isEqualTo(200);
        SCENARIO.add("session at rest: Redis whatsapp:session:{evolution device} and the sessions topic carry"
                + " ciphertext that opens to the instance token only with key k2 and its own context; WAHA device"
                + " disconnected and deleted");
    }

    @Test
    @Order(7)
    void endpointSecretsOnTheTopicOpenOnlyWithTheKeyAndTheirOwnEndpoint() throws Exception {
        Map<String, Endpoint> latest = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readTopic(gw.topics.endpoints().name())) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                latest.remove(key);
            } else {
                latest.put(key, gw.topics.endpoints().valueSerde().deserializer()
                        .deserialize(gw.topics.endpoints().name(), r.value()));
            }
        }
        assertThat(latest).containsKeys(cloudEp, wahaEp, evolutionEp);
        Map<String, String> expected = Map.of(
                cloudEp + "/apiKey", VALUES.get("rotated cloud access token"),
                cloudEp + "/webhookSecret", VALUES.get("cloud app secret"),
                cloudEp + "/verifyToken", VALUES.get("cloud verify token"),
                wahaEp + "/apiKey", VALUES.get("WAHA API key"),
                wahaEp + "/webhookSecret", VALUES.get("WAHA HMAC key"),
                evolutionEp + "/apiKey", VALUES.get("Evolution API key"),
                evolutionEp + "/webhookSecret", VALUES.get("Evolution webhook secret"));
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String ep = e.getKey().substring(0, e.getKey().indexOf('/'));
            String field = e.getKey().substring(e.getKey().indexOf('/') + 1);
            Endpoint endpoint = latest.get(ep);
            Sealed sealed = switch (field) {
                case "apiKey" -> endpoint.apiKey();
                case "webhookSecret" -> endpoint.webhookSecret();
                default -> endpoint.verifyToken();
            };
            String context = Endpoint.secretContext(tenant, ep, field);
            assertThat(sealed.token()).doesNotContain(e.getValue());
            assertThat(gw.secrets.openString(sealed, context)).as(e.getKey()).isEqualTo(e.getValue());
            assertWrongKeyOrContextCannotOpen(sealed, context);
        }
        // a deletion, last: the endpoint's secrets leave with it
        assertThat(asTenant("DELETE", "/api/whatsapp/endpoints/" + tenant + "/" + wahaEp, null).status())
                .isEqualTo(200);
        assertThat(admin("DELETE", "/api/whatsapp/keys/" + tenant + "/" + tenantKeyId, null).status())
                .isIn(200, 204);
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() ->
                asTenant("GET", "/api/whatsapp/config/" + tenant, null).status() == 401);
        SCENARIO.add("endpoint secrets on the endpoints topic: 7 sealed fields open to their canary with the key"
                + " and context only; WAHA endpoint deleted; tenant key revoked -> 401");
    }

    @Test
    @Order(8)
    void noCanaryAppearsInLogsTopicsAnswersOrRedis() throws Exception {
        // Everything the run made, read before the gateway stops (the topics) and after (the logs, complete).
        List<String> topics;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.bootstrapServers()))) {
            String prefix = gw.gateway.topicPrefix();
            topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(prefix)).sorted().toList();
        }
        assertThat(topics).as("the run's topics").hasSizeGreaterThan(10);
        gw.close();
        logs.flush();

        CanaryScanner scanner = new CanaryScanner(CANARIES);
        List<Hit> reachable = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            String source = "log: " + kind.name().toLowerCase().replace('_', '-');
            List<Hit> found = scanLines(scanner, source, logs.file(kind));
            if (kind == Kind.GATEWAY || kind == Kind.LIBRARY || kind == Kind.STDOUT_STDERR) {
                reachable.addAll(found);
            }
        }
        long records = 0;
        for (String topic : topics) {
            for (ConsumerRecord<byte[], byte[]> r : readTopic(topic)) {
                records++;
                String item = topic + "/" + r.partition() + "@" + r.offset();
                reachable.addAll(scanner.scan("kafka: keys", item, r.key() == null ? new byte[0] : r.key()));
                reachable.addAll(scanner.scan("kafka: values", item, r.value() == null ? new byte[0] : r.value()));
                ByteArrayOutputStream headers = new ByteArrayOutputStream();
                for (Header h : r.headers()) {
                    headers.write(h.key().getBytes(StandardCharsets.UTF_8));
                    headers.write('=');
                    headers.write(h.value() == null ? new byte[0] : h.value());
                    headers.write('\n');
                }
                reachable.addAll(scanner.scan("kafka: headers", item, headers.toByteArray()));
            }
        }
        for (RecordingHttp.Recorded r : http.recorded()) {
            reachable.addAll(scanner.scan("http: answers", r.label(), r.bytes(), r.allowed()));
        }
        int redisKeys = 0;
        for (String key : scanRedis(gw.keys.namespace() + ":*")) {
            redisKeys++;
            reachable.addAll(scanner.scan("redis: key names", key, key.getBytes(StandardCharsets.UTF_8)));
            byte[] dump = redis.dump(key);
            if (dump != null) {
                reachable.addAll(scanner.scan("redis: DUMP", key, dump));
            }
            String value = switch (redis.type(key)) {
                case "string" -> redis.get(key);
                case "hash" -> redis.hgetAll(key).toString();
                case "list" -> String.join("\n", redis.lrange(key, 0, -1));
                case "set" -> String.join("\n", redis.smembers(key));
                case "zset" -> String.join("\n", redis.zrange(key, 0, -1));
                default -> null;
            };
            if (value != null) {
                reachable.addAll(scanner.scan("redis: values", key, value.getBytes(StandardCharsets.UTF_8)));
            }
        }

        String table = summary(scanner, topics.size(), records, redisKeys);
        Files.writeString(OUT.resolve("summary.txt"), table);
        System.out.println(table);
        assertThat(redisKeys).as("the run's Redis keys").isPositive();
        assertThat(scanner.tallies().get("http: answers").items()).isGreaterThan(50);
        assertThat(reachable).as("canaries found (each a leak)").isEmpty();
    }

    // ---- the search

    private static List<Hit> scanLines(CanaryScanner scanner, String source, Path file) throws IOException {
        scanner.touch(source);
        if (!Files.exists(file)) {
            return List.of();
        }
        byte[] all = Files.readAllBytes(file);
        List<Hit> hits = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == '\n') {
                if (i > start) {
                    byte[] line = java.util.Arrays.copyOfRange(all, start, i);
                    hits.addAll(scanner.scan(source, file.getFileName() + ":" + loggerOf(line), line));
                }
                start = i + 1;
            }
        }
        return hits;
    }

    private static String loggerOf(byte[] jsonLine) {
        String s = new String(jsonLine, StandardCharsets.UTF_8);
        int i = s.indexOf("\"logger_name\":\"");
        return i < 0 ? "-" : s.substring(i + 15, Math.max(i + 15, s.indexOf('"', i + 15)));
    }

    private static String summary(CanaryScanner scanner, int topics, long records, int redisKeys) {
        StringBuilder b = new StringBuilder();
        b.append("Secret-canary run: ").append(CANARIES.size()).append(" canaries, ")
                .append(CANARIES.stream().mapToInt(c -> c.patterns().size()).sum())
                .append(" patterns (plain, base64/base64url at 3 alignments, hex, URL-encoded, JSON-escaped)\n");
        b.append("Canaries: ").append(CANARIES.stream().map(Canary::name).toList()).append('\n');
        b.append(Boolean.getBoolean("canary.allDebug") ? "Every logger at DEBUG (-Dcanary.allDebug=true)\n"
                : "Every logger at DEBUG but " + LogCapture.NOISY + " at INFO (-Dcanary.allDebug=true for all)\n");
        b.append("Topics: ").append(topics).append(", records: ").append(records).append(", Redis keys: ")
                .append(redisKeys).append('\n');
        b.append(String.format("%-22s %10s %14s %6s%n", "where", "items", "bytes", "hits"));
        scanner.tallies().forEach((source, t) -> b.append(String.format("%-22s %10d %14d %6d%n", source, t.items(),
                t.bytes(), t.hits())));
        b.append("(log: library-debug = third-party lines below the level any production setting shows; "
                + "log: simulator = the stand-in WhatsApp servers; both reported, not asserted)\n");
        for (Hit h : scanner.hits()) {
            b.append("HIT ").append(h).append('\n');
        }
        b.append("Scenario:\n");
        SCENARIO.forEach(s -> b.append(" - ").append(s).append('\n'));
        return b.toString();
    }

    private static List<ConsumerRecord<byte[], byte[]>> readTopic(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"); // aborted writes count too
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (parts.stream().anyMatch(tp -> c.position(tp, Duration.ofSeconds(10)) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 30 s");
                }
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static List<String> scanRedis(String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        do {
            ScanResult<String> page = redis.scan(cursor, new ScanParams().match(pattern).count(1000));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START) && System.nanoTime() < deadline);
        return keys.stream().distinct().toList();
    }

    // ---- sealed data

    private static String openSession(String token, String tenantId, String deviceId) {
        try {
            return gw.secrets.openString(Sealed.of(token), DeviceSession.context(tenantId, deviceId));
        } catch (SecretBox.SealedSecretException e) {
            return "";
        }
    }

    /** Another key under the same ids, or the right key with another context: neither opens it. */
    private static void assertWrongKeyOrContextCannotOpen(Sealed sealed, String context) {
        byte[] other = new byte[32];
        RANDOM.nextBytes(other);
        Map<String, byte[]> impostor = new LinkedHashMap<>();
        impostor.put("k2", other);
        impostor.put("k1", oldKey);
        assertThatThrownBy(() -> new SecretBox(impostor).open(sealed, context))
                .isInstanceOf(SecretBox.SealedSecretException.class);
        assertThatThrownBy(() -> gw.secrets.open(sealed, context + "x"))
                .isInstanceOf(SecretBox.SealedSecretException.class);
    }

    // ---- driving the gateway

    private static Answer admin(String method, String path, Object body) {
        return http.json(method, base + path, adminKey, body);
    }

    private static Answer asTenant(String method, String path, Object body) {
        return http.json(method, base + path, tenantKey, body);
    }

    private static String createEndpoint(Map<String, Object> body) {
        Answer a = asTenant("POST", "/api/whatsapp/endpoints/" + tenant, body);
        assertThat(a.status()).as("create %s -> %s", body.get("provider"), a.body()).isEqualTo(201);
        return a.json().path("id").asText();
    }

    private static String createDevice(String endpointId, String name) {
        Answer a = asTenant("POST", "/api/whatsapp/devices/" + tenant, Map.of("endpointId", endpointId,
                "deviceName", name));
        assertThat(a.status()).as("create device -> %s", a.body()).isEqualTo(201);
        return a.json().path("id").asText();
    }

    private static void awaitDeviceStatus(String deviceId, String status) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(asTenant("GET", "/api/whatsapp/devices/" + deviceId, null).json().path("status")
                        .asText()).isEqualTo(status));
    }

    private static String send(String endpointId, String text) {
        Answer a = http.json("POST", base + "/api/whatsapp/messages/" + tenant, tenantKey, Map.of("to", CUSTOMER,
                "type", "text", "content", text, "endpointId", endpointId,
                "idempotencyKey", UUID.randomUUID().toString()));
        assertThat(a.status()).as("send -> %s", a.body()).isEqualTo(202);
        return a.json().path("messageId").asText();
    }

    private static String awaitTerminal(String messageId) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                        asTenant("GET", "/api/whatsapp/messages/" + tenant + "/" + messageId, null).json()
                                .path("status").asText(""),
                s -> Set.of("sent", "delivered", "read", "failed").contains(s));
    }

    private static String webhookPath(String endpointId) {
        return "/api/whatsapp/webhook/" + tenant + "/" + endpointId;
    }

    private static byte[] lastWebhookBody(String simId) {
        var posted = gw.simulator.webhooks(simId);
        assertThat(posted).as("webhooks the simulator posted for %s", simId).isNotEmpty();
        return posted.get(posted.size() - 1).body().getBytes(StandardCharsets.UTF_8);
    }

    private static void webhook(String endpointId, byte[] body, Map<String, String> headers, int expected) {
        webhook(endpointId, body, headers, expected, webhookPath(endpointId));
    }

    private static void webhook(String endpointId, byte[] body, Map<String, String> headers, int expected,
                                String path) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        Answer a = http.send("POST", base + path, all, body);
        assertThat(a.status()).as("webhook to %s with %s -> %s", endpointId, headers.keySet(), a.body())
                .isEqualTo(expected);
    }

    private static String hmac(String algorithm, String key, byte[] body) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    // ---- canaries

    private static String canary(String name, String value) {
        CANARIES.add(Canary.text(name, value));
        Canaries.register("secret-canary " + name, value);
        VALUES.put(name, value);
        return value;
    }

    private static String token(int hexChars) {
        byte[] b = new byte[hexChars / 2];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
