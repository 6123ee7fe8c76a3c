package com.booqing.whatsapp.reliability.attack;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.reliability.attack.AttackGateway.Seeded;
import com.booqing.whatsapp.reliability.attack.Wire.Answer;
import com.booqing.whatsapp.reliability.attack.Wire.RawAnswer;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack table of issue 9 against the real ingress and processor (and the sender, for idempotency keys) on the
 * real broker and Redis. Each row is a dynamic test named after its attack: the request(s), the expected status and
 * error code, and "nothing partial stored" — no record on the raw-webhook, command or key topics for a refused
 * request, no Redis state changed by a refused write. Every answer is also checked for stack traces and secrets.
 *
 * <p>Provider-side attacks (redirects and huge answers from a tenant's server) are in {@link ProviderAnswersIT}.
 */
@KafkaAndRedis
class AttackSuiteIT {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static AttackGateway gw;
    private static Evidence evidence;
    private static Wire wire;
    private static redis.clients.jedis.JedisPooled redis;
    private static String tenantM;
    private static String tenantN;
    private static String endpointM;
    private static String keyM;
    private static final String WAHA_API_KEY = Canaries.text("attack WAHA API key (management)");
    private static final String WAHA_HMAC_KEY = Canaries.text("attack WAHA HMAC key (management)");
    private static final List<String> SECRETS = new ArrayList<>();
    private static final AtomicInteger SEQ = new AtomicInteger();

    /** What a row may leave behind. */
    enum Stored {
        /** Nothing on any topic a request can write. */
        NOTHING,
        /** Exactly one raw webhook, nothing else. */
        ONE_RAW_WEBHOOK
    }

    @BeforeAll
    static void start(Infra infra) {
        gw = new AttackGateway(infra);
        evidence = new Evidence(infra.bootstrapServers(), gw.topics, gw.keys, infra.redis());
        wire = new Wire(gw.ingressUrl());
        redis = infra.redis();
        for (Seeded s : List.of(gw.aCloud, gw.aWaha, gw.aEvolution, gw.bCloud)) {
            SECRETS.add(s.webhookSecret());
            if (s.verifyToken() != null) {
                SECRETS.add(s.verifyToken());
            }
        }
        SECRETS.add(AttackGateway.ADMIN_KEY);
        tenantM = infra.uniqueId("tm");
        tenantN = infra.uniqueId("tn");
        for (String t : List.of(tenantM, tenantN)) {
            Answer init = wire.api("POST", "/api/whatsapp/config/" + t, AttackGateway.ADMIN_KEY, "{}");
            assertThat(init.status()).as("init %s: %s", t, init.body()).isEqualTo(201);
        }
        Answer ep = wire.api("POST", "/api/whatsapp/endpoints/" + tenantM, AttackGateway.ADMIN_KEY,
                wahaEndpoint("https://waha.example.com"));
        assertThat(ep.status()).as("endpoint: %s", ep.body()).isEqualTo(201);
        endpointM = ep.json().path("id").asText();
        Answer key = wire.api("POST", "/api/whatsapp/keys/" + tenantM, AttackGateway.ADMIN_KEY, null);
        assertThat(key.status()).as("key: %s", key.body()).isEqualTo(201);
        keyM = key.json().path("key").asText();
        SECRETS.addAll(List.of(keyM, WAHA_API_KEY, WAHA_HMAC_KEY));
    }

    @AfterAll
    static void stop(Infra infra) {
        if (evidence != null) {
            evidence.close();
        }
        if (gw != null) {
            gw.close();
            infra.deleteKeys(gw.keys);
        }
    }

    // ------------------------------------------------------------------------------------------------ signatures

    @TestFactory
    Stream<DynamicTest> signatureTricks() {
        Seeded a = gw.aCloud;
        List<DynamicTest> rows = new ArrayList<>();
        rows.add(webhookRow("cloud: missing X-Hub-Signature-256 -> 401", a, b -> null, 401, "invalid_signature",
                Stored.NOTHING));
        rows.add(webhookRow("cloud: empty sha256= -> 401", a, b -> "sha256=", 401, "invalid_signature",
                Stored.NOTHING));
        rows.add(webhookRow("cloud: 63 hex digits -> 401", a, b -> cloudSig(a, b).substring(0, 70), 401,
                "invalid_signature", Stored.NOTHING));
        rows.add(webhookRow("cloud: 65 hex digits -> 401", a, b -> cloudSig(a, b) + "0", 401, "invalid_signature",
                Stored.NOTHING));
        rows.add(webhookRow("cloud: half the digest -> 401", a, b -> cloudSig(a, b).substring(0, 7 + 32), 401,
                "invalid_signature", Stored.NOTHING));
        rows.add(webhookRow("cloud: sha1= prefix with a valid HMAC-SHA1 -> 401", a,
                b -> "sha1=" + hex(hmac("HmacSHA1", a.webhookSecret(), b)), 401, "invalid_signature", Stored.NOTHING));
        rows.add(webhookRow("cloud: sha512= prefix with a valid HMAC-SHA512 -> 401", a,
                b -> "sha512=" + hex(hmac("HmacSHA512", a.webhookSecret(), b)), 401, "invalid_signature",
                Stored.NOTHING));
        rows.add(webhookRow("cloud: right digest without the sha256= prefix -> 401", a,
                b -> cloudSig(a, b).substring(7), 401, "invalid_signature", Stored.NOTHING));
        rows.add(webhookRow("cloud: SHA256= prefix in upper case -> 401", a,
                b -> "SHA256=" + cloudSig(a, b).substring(7), 401, "invalid_signature", Stored.NOTHING));
        rows.add(webhookRow("cloud: non-hex digits of the right length -> 401", a,
                b -> "sha256=" + "zz".repeat(32), 401, "invalid_signature", Stored.NOTHING));
        rows.add(webhookRow("cloud: signature of the empty body -> 401", a,
                b -> cloudSig(a, new byte[0]), 401, "invalid_signature", Stored.NOTHING));
        rows.add(dynamic("cloud: signed body re-serialised (spaces) -> 401", () -> {
            byte[] signed = cloudMessage(wamid());
            byte[] reserialised = new String(signed, StandardCharsets.UTF_8).replace(",", ", ")
                    .getBytes(StandardCharsets.UTF_8);
            expect(() -> postWebhook(a, reserialised, cloudSig(a, signed)), 401, "invalid_signature",
                    Stored.NOTHING);
        }));
        rows.add(dynamic("cloud: signed body with keys reordered -> 401", () -> {
            String id = wamid();
            byte[] signed = cloudMessage(id);
            byte[] reordered = new String(signed, StandardCharsets.UTF_8)
                    .replace("{\"object\":\"whatsapp_business_account\",\"entry\":", "{\"entry\":")
                    .replaceFirst("}$", ",\"object\":\"whatsapp_business_account\"}")
                    .getBytes(StandardCharsets.UTF_8);
            expect(() -> postWebhook(a, reordered, cloudSig(a, signed)), 401, "invalid_signature", Stored.NOTHING);
        }));
        rows.add(dynamic("cloud: one byte of the signed body changed -> 401", () -> {
            byte[] signed = cloudMessage(wamid());
            byte[] changed = signed.clone();
            changed[changed.length / 2] ^= 1;
            expect(() -> postWebhook(a, changed, cloudSig(a, signed)), 401, "invalid_signature", Stored.NOTHING);
        }));
        rows.add(dynamic("cloud: two signature headers, a wrong one first -> 401", () -> {
            byte[] body = cloudMessage(wamid());
            String right = cloudSig(a, body);
            String wrong = "sha256=" + "00".repeat(32);
            // Connection: close, so that the answer is read to its end rather than for the raw read's quiet time.
            expectRaw(post(a.webhookPath(), "Content-Type: application/json\r\nX-Hub-Signature-256: " + wrong
                    + "\r\nX-Hub-Signature-256: " + right + "\r\nConnection: close\r\n", body), 401,
                    Stored.NOTHING);
        }));
        rows.add(webhookRow("cloud: lower-case hex (what Meta sends) -> 200, one raw webhook", a,
                b -> cloudSig(a, b), 200, null, Stored.ONE_RAW_WEBHOOK));
        rows.add(webhookRow("cloud: upper-case hex of the right digest -> 200 (digest bytes compared)", a,
                b -> "sha256=" + cloudSig(a, b).substring(7).toUpperCase(Locale.ROOT), 200, null,
                Stored.ONE_RAW_WEBHOOK));

        Seeded w = gw.aWaha;
        rows.add(dynamic("waha: X-Webhook-Hmac-Algorithm sha256 with a valid HMAC-SHA256 -> 401", () -> {
            byte[] body = wahaMessage();
            expect(() -> postWaha(w, body, hex(hmac("HmacSHA256", w.webhookSecret(), body)), "sha256"), 401,
                    "invalid_signature", Stored.NOTHING);
        }));
        rows.add(dynamic("waha: sha512 claimed, HMAC made with another endpoint's key -> 401", () -> {
            byte[] body = wahaMessage();
            expect(() -> postWaha(w, body, hex(hmac("HmacSHA512", gw.aCloud.webhookSecret(), body)), "sha512"),
                    401, "invalid_signature", Stored.NOTHING);
        }));
        rows.add(dynamic("waha: missing X-Webhook-Hmac -> 401", () -> expect(
                () -> postWaha(w, wahaMessage(), null, "sha512"), 401, "invalid_signature", Stored.NOTHING)));
        rows.add(dynamic("waha: valid HMAC-SHA512 in upper-case hex -> 200", () -> {
            byte[] body = wahaMessage();
            expect(() -> postWaha(w, body, hex(hmac("HmacSHA512", w.webhookSecret(), body)).toUpperCase(Locale.ROOT),
                    "sha512"), 200, null, Stored.ONE_RAW_WEBHOOK);
        }));

        Seeded e = gw.aEvolution;
        long now = Instant.now().getEpochSecond();
        rows.add(dynamic("evolution: no Authorization -> 401", () -> expect(
                () -> postEvolution(e, evolutionMessage(), null), 401, "invalid_signature", Stored.NOTHING)));
        rows.add(dynamic("evolution: JWT with alg none -> 401", () -> expect(
                () -> postEvolution(e, evolutionMessage(), jwt("{\"alg\":\"none\",\"typ\":\"JWT\"}",
                        claims(now), null)), 401, "invalid_signature", Stored.NOTHING)));
        rows.add(dynamic("evolution: JWT HS512 signed with the right key -> 401 (HS256 only)", () -> expect(
                () -> postEvolution(e, evolutionMessage(), jwt("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", claims(now),
                        "HmacSHA512:" + e.webhookSecret())), 401, "invalid_signature", Stored.NOTHING)));
        rows.add(dynamic("evolution: JWT signed with another tenant's key -> 401", () -> expect(
                () -> postEvolution(e, evolutionMessage(), jwt(HS256, claims(now),
                        "HmacSHA256:" + gw.bCloud.webhookSecret())), 401, "invalid_signature", Stored.NOTHING)));
        rows.add(dynamic("evolution: expired JWT (issued an hour ago) -> 401", () -> expect(
                () -> postEvolution(e, evolutionMessage(), jwt(HS256, claims(now - 3600),
                        "HmacSHA256:" + e.webhookSecret())), 401, "invalid_signature", Stored.NOTHING)));
        rows.add(dynamic("evolution: valid HS256 JWT -> 200", () -> expect(
                () -> postEvolution(e, evolutionMessage(), jwt(HS256, claims(now),
                        "HmacSHA256:" + e.webhookSecret())), 200, null, Stored.ONE_RAW_WEBHOOK)));
        return rows.stream();
    }

    // ------------------------------------------------------------------------------------- replays and tenancy

    @TestFactory
    Stream<DynamicTest> replaysAndOtherTenants() {
        Seeded a = gw.aCloud;
        Seeded b = gw.bCloud;
        List<DynamicTest> rows = new ArrayList<>();
        rows.add(dynamic("replay: the same signed webhook twice -> 200 twice, one event", () -> {
            byte[] body = cloudMessage(wamid());
            String sig = cloudSig(a, body);
            Answer first = expect(() -> postWebhook(a, body, sig), 200, null, Stored.ONE_RAW_WEBHOOK);
            Answer second = expect(() -> postWebhook(a, body, sig), 200, null, Stored.ONE_RAW_WEBHOOK);
            // A later webhook on the same endpoint is on the same partition: once its event is out, so is the replay's.
            byte[] fence = cloudMessage(wamid());
            Answer fenced = expect(() -> postWebhook(a, fence, cloudSig(a, fence)), 200, null, Stored.ONE_RAW_WEBHOOK);
            awaitOutcome(fenced.json().path("requestId").asText());
            assertThat(evidence.outcomes(first.json().path("requestId").asText(),
                    second.json().path("requestId").asText()))
                    .as("events of the webhook and its replay").hasSize(1)
                    .allSatisfy(o -> assertThat(o.topic()).isEqualTo(gw.topics.events().name()));
        }));
        rows.add(dynamic("tenant A's signature on tenant B's URL -> 401", () -> {
            byte[] body = cloudMessage(wamid());
            expect(() -> postWebhook(b, body, cloudSig(a, body)), 401, "invalid_signature", Stored.NOTHING);
        }));
        rows.add(dynamic("B's endpoint under A's tenant, signed with B's secret -> 401", () -> {
            byte[] body = cloudMessage(wamid());
            Seeded crossed = new Seeded(a.tenantId(), b.endpointId(), b.provider(), b.webhookSecret(), null);
            expect(() -> postWebhook(crossed, body, cloudSig(b, body)), 401, "invalid_signature", Stored.NOTHING);
        }));
        rows.add(dynamic("B's endpoint under A's tenant, signed with A's secret -> 401", () -> {
            byte[] body = cloudMessage(wamid());
            Seeded crossed = new Seeded(a.tenantId(), b.endpointId(), b.provider(), a.webhookSecret(), null);
            expect(() -> postWebhook(crossed, body, cloudSig(a, body)), 401, "invalid_signature", Stored.NOTHING);
        }));
        rows.add(dynamic("unknown tenant and unknown endpoint answer exactly like a bad signature", () -> {
            byte[] body = cloudMessage(wamid());
            Answer badSig = postWebhook(a, body, "sha256=" + "00".repeat(32));
            Answer unknownTenant = postWebhook(new Seeded("nosuchtenant", a.endpointId(), a.provider(),
                    a.webhookSecret(), null), body, cloudSig(a, body));
            Answer unknownEndpoint = postWebhook(new Seeded(a.tenantId(), "ep_nosuchendpoint", a.provider(),
                    a.webhookSecret(), null), body, cloudSig(a, body));
            assertThat(List.of(unknownTenant, unknownEndpoint)).allSatisfy(x -> {
                assertThat(x.status()).isEqualTo(badSig.status()).isEqualTo(401);
                assertThat(x.body()).isEqualTo(badSig.body());
            });
        }));
        rows.add(dynamic("GET handshake with B's verify token on A's URL -> 403", () -> expect(
                () -> wire.send("GET", a.webhookPath() + "?hub.mode=subscribe&hub.challenge=123&hub.verify_token="
                        + b.verifyToken(), Map.of(), null), 403, "verification_failed", Stored.NOTHING)));
        rows.add(dynamic("management: tenant M's key on tenant N's config -> 404 like a missing tenant", () -> {
            Answer missing = wire.api("GET", "/api/whatsapp/config/nosuchtenant", keyM, null);
            Answer other = expect(() -> wire.api("GET", "/api/whatsapp/config/" + tenantN, keyM, null), 404,
                    "tenant_not_found", Stored.NOTHING);
            assertThat(other.body()).isEqualTo(missing.body());
        }));
        rows.add(dynamic("management: M's key writing N's config -> 404, N unchanged", () ->
                expectUnchanged(tenantN, () -> wire.api("PUT", "/api/whatsapp/config/" + tenantN, keyM,
                        "{\"webhookRetries\":7}"), 404, "tenant_not_found")));
        rows.add(dynamic("management: tenant A's endpoint id under M's path -> 404 like a missing id", () -> {
            Answer missing = wire.api("GET", "/api/whatsapp/endpoints/" + tenantM + "/ep_nosuchendpoint", keyM, null);
            Answer other = expect(() -> wire.api("GET", "/api/whatsapp/endpoints/" + tenantM + "/"
                    + gw.aCloud.endpointId(), keyM, null), 404, "endpoint_not_found", Stored.NOTHING);
            assertThat(other.body()).isEqualTo(missing.body());
        }));
        rows.add(dynamic("management: M's key deleting A's endpoint under A's path -> 404", () -> expect(
                () -> wire.api("DELETE", "/api/whatsapp/endpoints/" + gw.aCloud.tenantId() + "/"
                        + gw.aCloud.endpointId(), keyM, null), 404, "tenant_not_found", Stored.NOTHING)));
        rows.add(dynamic("management: M's key sending as tenant A -> 404, no send command", () -> expect(
                () -> wire.api("POST", "/api/whatsapp/messages/" + gw.aCloud.tenantId(), keyM,
                        "{\"to\":\"+14155550123\",\"type\":\"text\",\"content\":\"hi\"}"), 404, "tenant_not_found",
                Stored.NOTHING)));
        rows.add(dynamic("management: a tenant key issuing keys -> 403", () -> expect(
                () -> wire.api("POST", "/api/whatsapp/keys/" + tenantM, keyM, null), 403, "forbidden",
                Stored.NOTHING)));
        rows.add(dynamic("management: no key -> 401", () -> expect(
                () -> wire.api("GET", "/api/whatsapp/config/" + tenantM, null, null), 401, "unauthorized",
                Stored.NOTHING)));
        return rows.stream();
    }

    // --------------------------------------------------------------------------------------- key-breaking ids

    @TestFactory
    Stream<DynamicTest> keyBreakingTenantIdsOnEveryRoute() {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("colon", "a:b");
        ids.put("star", "ta*");
        ids.put("brace", "{ta}");
        ids.put("dots", "a..b");
        ids.put("space", "a b");
        ids.put("64 chars", "t".repeat(64));
        ids.put("2000 chars", "t".repeat(2000));
        ids.put("unicode", "tenänt");
        ids.put("newline", "a\nb");
        ids.put("device prefix", "dev_abc");
        String send = "{\"to\":\"+14155550123\",\"type\":\"text\",\"content\":\"hi\"}";
        record Route(String method, String template, String body) {
        }
        List<Route> routes = List.of(
                new Route("GET", "/api/whatsapp/config/%s", null),
                new Route("POST", "/api/whatsapp/config/%s", "{}"),
                new Route("PUT", "/api/whatsapp/config/%s", "{\"webhookRetries\":4}"),
                new Route("GET", "/api/whatsapp/endpoints/%s", null),
                new Route("POST", "/api/whatsapp/endpoints/%s", wahaEndpoint("https://waha.example.com")),
                new Route("GET", "/api/whatsapp/endpoints/%s/ep_x", null),
                new Route("PUT", "/api/whatsapp/endpoints/%s/ep_x", "{\"name\":\"n\"}"),
                new Route("DELETE", "/api/whatsapp/endpoints/%s/ep_x", null),
                new Route("POST", "/api/whatsapp/endpoints/%s/ep_x?action=test-health", null),
                new Route("GET", "/api/whatsapp/devices/%s", null),
                new Route("POST", "/api/whatsapp/devices/%s", "{\"endpointId\":\"ep_x\",\"deviceName\":\"d\"}"),
                new Route("GET", "/api/whatsapp/health/%s", null),
                new Route("GET", "/api/whatsapp/commands/%s/cmd_x", null),
                new Route("POST", "/api/whatsapp/messages/%s", send),
                new Route("GET", "/api/whatsapp/messages/%s/msg_x", null),
                new Route("GET", "/api/whatsapp/conversations/%s", null),
                new Route("GET", "/api/whatsapp/conversations/%s/+14155550123/messages", null),
                new Route("POST", "/api/whatsapp/stream/%s/token", null),
                new Route("GET", "/api/whatsapp/keys/%s", null),
                new Route("POST", "/api/whatsapp/keys/%s", null),
                new Route("DELETE", "/api/whatsapp/keys/%s/key_x", null));
        List<DynamicTest> rows = new ArrayList<>();
        ids.forEach((label, id) -> {
            String enc = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
            for (Route r : routes) {
                String path = String.format(r.template(), enc);
                boolean devicePrefixOnDeviceRoute = id.startsWith("dev_") && r.template().startsWith("/api/whatsapp/devices/");
                // dev_… on /devices/{id} is a device id by the documented rule: an unknown device is 404.
                int status = devicePrefixOnDeviceRoute ? 404 : 400;
                String code = devicePrefixOnDeviceRoute ? "device_not_found" : "invalid_tenant_id";
                rows.add(dynamic("tenant id " + label + ": " + r.method() + " " + r.template() + " -> " + status,
                        () -> {
                            expect(() -> wire.api(r.method(), path, AttackGateway.ADMIN_KEY, r.body()), status, code,
                                    Stored.NOTHING);
                            assertThat(evidence.redisKeysContaining(id)).as("Redis keys with the id").isEmpty();
                        }));
            }
            rows.add(dynamic("tenant id " + label + ": POST webhook -> 401 like an unknown tenant", () -> {
                byte[] body = cloudMessage(wamid());
                expect(() -> postWebhook(new Seeded(enc, gw.aCloud.endpointId(), gw.aCloud.provider(),
                        gw.aCloud.webhookSecret(), null), body, cloudSig(gw.aCloud, body)), 401,
                        "invalid_signature", Stored.NOTHING);
            }));
            rows.add(dynamic("tenant id " + label + ": GET webhook handshake -> 403", () -> expect(
                    () -> wire.send("GET", "/api/whatsapp/webhook/" + enc + "/" + gw.aCloud.endpointId()
                            + "?hub.mode=subscribe&hub.challenge=1&hub.verify_token=" + gw.aCloud.verifyToken(),
                            Map.of(), null), 403, "verification_failed", Stored.NOTHING)));
        });
        rows.add(dynamic("tenant id '..' as a path segment: POST config -> 4xx, nothing stored", () -> {
            RawAnswer r = Wire.raw(gw.port(), Wire.ascii("POST /api/whatsapp/config/.. HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + AttackGateway.ADMIN_KEY + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\nConnection: close\r\n\r\n{}"), Duration.ofSeconds(2));
            assertThat(r.first()).as(r.text()).isBetween(400, 499);
        }));
        return rows.stream();
    }

    // ---------------------------------------------------------------------------------------- sizes and types

    @TestFactory
    Stream<DynamicTest> bodiesAndContentTypes() {
        Seeded a = gw.aCloud;
        int max = AttackGateway.MAX_BODY_BYTES;
        List<DynamicTest> rows = new ArrayList<>();
        rows.add(dynamic("webhook one byte over the body limit, signed -> 413", () -> {
            byte[] body = padded(max + 1);
            expect(() -> postWebhook(a, body, cloudSig(a, body)), 413, "payload_too_large", Stored.NOTHING);
        }));
        rows.add(dynamic("webhook exactly at the body limit, signed -> 200", () -> {
            byte[] body = padded(max);
            expect(() -> postWebhook(a, body, cloudSig(a, body)), 200, null, Stored.ONE_RAW_WEBHOOK);
        }));
        rows.add(dynamic("webhook chunked without a length, over the limit -> 413", () -> {
            byte[] body = padded(max * 2);
            expect(() -> wire.sendChunked(a.webhookPath(), Map.of("Content-Type", "application/json",
                    "X-Hub-Signature-256", cloudSig(a, body)), body), 413, "payload_too_large", Stored.NOTHING);
        }));
        rows.add(dynamic("webhook declaring 10 GB and sending 2 bytes -> 413 at once", () -> expectRaw(
                Wire.ascii("POST " + a.webhookPath() + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "X-Hub-Signature-256: sha256=" + "00".repeat(32) + "\r\nContent-Length: 10737418240\r\n\r\n{}"),
                413, Stored.NOTHING)));
        rows.add(dynamic("management body over the limit -> 413, tenant unchanged", () -> expectUnchanged(tenantM,
                () -> wire.api("POST", "/api/whatsapp/endpoints/" + tenantM, AttackGateway.ADMIN_KEY,
                        "{\"name\":\"" + "x".repeat(max) + "\"}"), 413, "payload_too_large")));
        rows.add(dynamic("send request over the limit -> 413", () -> expect(
                () -> wire.api("POST", "/api/whatsapp/messages/" + tenantM, AttackGateway.ADMIN_KEY,
                        "{\"to\":\"+14155550123\",\"type\":\"text\",\"content\":\"" + "x".repeat(max) + "\"}"),
                413, "payload_too_large", Stored.NOTHING)));
        for (String type : new String[]{null, "text/plain", "application/x-www-form-urlencoded", "application/jsonp",
                "multipart/form-data; boundary=x", "text/json"}) {
            rows.add(dynamic("webhook Content-Type " + type + ", validly signed -> 415", () -> {
                byte[] body = cloudMessage(wamid());
                Map<String, String> h = new LinkedHashMap<>();
                h.put("Content-Type", type);
                h.put("X-Hub-Signature-256", cloudSig(a, body));
                expect(() -> wire.send("POST", a.webhookPath(), h, body), 415, "unsupported_media_type",
                        Stored.NOTHING);
            }));
        }
        rows.add(dynamic("webhook Content-Type application/json; charset=utf-8 -> 200", () -> {
            byte[] body = cloudMessage(wamid());
            expect(() -> wire.send("POST", a.webhookPath(), Map.of("Content-Type", "application/json; charset=utf-8",
                    "X-Hub-Signature-256", cloudSig(a, body)), body), 200, null, Stored.ONE_RAW_WEBHOOK);
        }));
        rows.add(dynamic("management Content-Type text/plain -> 415, tenant unchanged", () -> expectUnchanged(tenantM,
                () -> wire.send("PUT", "/api/whatsapp/config/" + tenantM, Map.of("Authorization",
                        "Bearer " + AttackGateway.ADMIN_KEY, "Content-Type", "text/plain"),
                        "{\"webhookRetries\":9}".getBytes(StandardCharsets.UTF_8)), 415, "unsupported_media_type")));
        rows.add(dynamic("send request Content-Type text/plain -> 415", () -> expect(
                () -> wire.send("POST", "/api/whatsapp/messages/" + tenantM, Map.of("Authorization",
                        "Bearer " + AttackGateway.ADMIN_KEY, "Content-Type", "text/plain"),
                        "{\"to\":\"+14155550123\",\"type\":\"text\",\"content\":\"hi\"}".getBytes(StandardCharsets.UTF_8)),
                415, "unsupported_media_type", Stored.NOTHING)));
        return rows.stream();
    }

    // ----------------------------------------------------------------------------- smuggling and header abuse

    @TestFactory
    Stream<DynamicTest> smugglingAndHeaders() {
        Seeded a = gw.aCloud;
        List<DynamicTest> rows = new ArrayList<>();
        rows.add(dynamic("Transfer-Encoding chunked + Content-Length, a second request smuggled -> 400, closed", () -> {
            byte[] inner = cloudMessage(wamid());
            String smuggled = "POST " + a.webhookPath() + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "X-Hub-Signature-256: " + cloudSig(a, inner) + "\r\nContent-Length: " + inner.length + "\r\n\r\n";
            byte[] tail = Wire.concat(Wire.ascii(smuggled), inner);
            byte[] outer = cloudMessage(wamid());
            byte[] chunked = Wire.concat(Wire.ascii(Integer.toHexString(outer.length) + "\r\n"), outer,
                    Wire.ascii("\r\n0\r\n\r\n"), tail);
            RawAnswer r = expectRaw(post(a.webhookPath(), "Content-Type: application/json\r\nX-Hub-Signature-256: "
                    + cloudSig(a, outer) + "\r\nTransfer-Encoding: chunked\r\nContent-Length: "
                    + (outer.length + 7) + "\r\n", chunked), 400, Stored.NOTHING);
            assertThat(r.statuses()).as("one answer, for the first request only").hasSize(1);
            assertThat(r.closedByServer()).isTrue();
        }));
        rows.add(dynamic("two different Content-Length headers -> 400", () -> {
            byte[] body = cloudMessage(wamid());
            expectRaw(Wire.concat(Wire.ascii("POST " + a.webhookPath() + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nX-Hub-Signature-256: " + cloudSig(a, body) + "\r\n"
                    + "Content-Length: " + body.length + "\r\nContent-Length: 5\r\n\r\n"), body), 400, Stored.NOTHING);
        }));
        rows.add(dynamic("two equal Content-Length headers -> 400", () -> {
            byte[] body = cloudMessage(wamid());
            expectRaw(Wire.concat(Wire.ascii("POST " + a.webhookPath() + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nX-Hub-Signature-256: " + cloudSig(a, body) + "\r\n"
                    + "Content-Length: " + body.length + "\r\nContent-Length: " + body.length + "\r\n\r\n"), body),
                    400, Stored.NOTHING);
        }));
        rows.add(dynamic("Content-Length with a sign (+N) -> 400", () -> {
            byte[] body = cloudMessage(wamid());
            expectRaw(post(a.webhookPath(), "Content-Type: application/json\r\nX-Hub-Signature-256: "
                    + cloudSig(a, body) + "\r\nContent-Length: +" + body.length + "\r\n", body), 400, Stored.NOTHING);
        }));
        rows.add(dynamic("Transfer-Encoding: xchunked -> 4xx/501, nothing stored", () -> {
            byte[] body = cloudMessage(wamid());
            RawAnswer r = Wire.raw(gw.port(), Wire.concat(Wire.ascii("POST " + a.webhookPath() + " HTTP/1.1\r\n"
                    + "Host: x\r\nContent-Type: application/json\r\nX-Hub-Signature-256: " + cloudSig(a, body) + "\r\n"
                    + "Transfer-Encoding: xchunked\r\n\r\n"), body), Duration.ofSeconds(2));
            assertThat(r.first()).as(r.text()).isIn(400, 501);
        }));
        rows.add(dynamic("space before the colon (Transfer-Encoding : chunked) -> 400", () -> {
            byte[] body = cloudMessage(wamid());
            expectRaw(Wire.concat(Wire.ascii("POST " + a.webhookPath() + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nX-Hub-Signature-256: " + cloudSig(a, body) + "\r\n"
                    + "Transfer-Encoding : chunked\r\nContent-Length: " + body.length + "\r\n\r\n"), body), 400,
                    Stored.NOTHING);
        }));
        rows.add(dynamic("obsolete line folding in a header -> 400", () -> {
            byte[] body = cloudMessage(wamid());
            expectRaw(post(a.webhookPath(), "Content-Type: application/json\r\nX-Hub-Signature-256: "
                    + cloudSig(a, body) + "\r\nX-Folded: a\r\n b\r\nContent-Length: " + body.length + "\r\n", body),
                    400, Stored.NOTHING);
        }));
        rows.add(dynamic("1000 headers (over 16 KiB) -> 431", () -> {
            StringBuilder h = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                h.append("X-Pad-").append(i).append(": 0123456789\r\n");
            }
            byte[] body = cloudMessage(wamid());
            expectRaw(post(a.webhookPath(), h + "Content-Type: application/json\r\nX-Hub-Signature-256: "
                    + cloudSig(a, body) + "\r\nContent-Length: " + body.length + "\r\n", body), 431, Stored.NOTHING);
        }));
        rows.add(dynamic("one 20 KiB header -> 431", () -> {
            byte[] body = cloudMessage(wamid());
            expectRaw(post(a.webhookPath(), "X-Big: " + "a".repeat(20 * 1024) + "\r\nContent-Type: application/json\r\n"
                    + "X-Hub-Signature-256: " + cloudSig(a, body) + "\r\nContent-Length: " + body.length + "\r\n",
                    body), 431, Stored.NOTHING);
        }));
        rows.add(dynamic("a 20 KiB request target -> 414 or 431", () -> {
            RawAnswer r = Wire.raw(gw.port(), Wire.ascii("GET /api/whatsapp/config/" + "a".repeat(20 * 1024)
                    + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), Duration.ofSeconds(2));
            assertThat(r.first()).as(r.text()).isIn(414, 431);
        }));
        return rows.stream();
    }

    // ------------------------------------------------------------------------------------------ slow clients

    @TestFactory
    Stream<DynamicTest> slowClients() {
        Duration idle = AttackGateway.IDLE_TIMEOUT;
        Duration head = AttackGateway.HEADER_TIMEOUT;
        Duration margin = Duration.ofSeconds(1);
        return Stream.of(
                dynamic("slowloris: part of the headers, then silence -> closed within the head deadline", () -> {
                    try (Socket s = slowConnection()) {
                        long start = System.nanoTime();
                        RawAnswer r = Wire.readAll(s.getInputStream(), head.plus(margin));
                        Duration took = Duration.ofNanos(System.nanoTime() - start);
                        assertThat(r.closedByServer()).as("closed").isTrue();
                        assertThat(took).isLessThanOrEqualTo(head.plus(margin));
                    }
                }),
                dynamic("slowloris: a header byte every 250 ms (never idle) -> closed at the head deadline", () -> {
                    try (Socket s = slowConnection()) {
                        s.setSoTimeout(250); // a read that times out is the pause between two bytes
                        OutputStream out = s.getOutputStream();
                        InputStream in = s.getInputStream();
                        long start = System.nanoTime();
                        long deadline = start + idle.multipliedBy(3).toNanos();
                        boolean closed = false;
                        while (!closed && System.nanoTime() < deadline) {
                            try {
                                out.write('a');
                                out.flush();
                                closed = in.read() < 0; // the server sends nothing while the head is open
                            } catch (java.net.SocketTimeoutException stillOpen) {
                                // next byte
                            } catch (java.io.IOException reset) {
                                closed = true;
                            }
                        }
                        Duration took = Duration.ofNanos(System.nanoTime() - start);
                        assertThat(closed).as("a client that never finishes its headers is cut off").isTrue();
                        assertThat(took).as("well before three idle timeouts").isBetween(head.minusMillis(300),
                                head.plus(margin));
                    }
                }),
                dynamic("slowloris: 100 dribbling connections do not delay another client's webhook", () -> {
                    List<Socket> slow = new ArrayList<>();
                    try {
                        for (int i = 0; i < 100; i++) {
                            slow.add(slowConnection());
                        }
                        byte[] body = cloudMessage(wamid());
                        long start = System.nanoTime();
                        expect(() -> postWebhook(gw.aCloud, body, cloudSig(gw.aCloud, body)), 200, null,
                                Stored.ONE_RAW_WEBHOOK);
                        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                    } finally {
                        for (Socket s : slow) {
                            try {
                                s.close();
                            } catch (java.io.IOException ignored) {
                                // closing our own sockets
                            }
                        }
                    }
                }));
    }

    private static Socket slowConnection() throws java.io.IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", gw.port()), 5000);
        s.getOutputStream().write(Wire.ascii("POST " + gw.aCloud.webhookPath() + " HTTP/1.1\r\nHost: x\r\nX-Slow: "));
        s.getOutputStream().flush();
        return s;
    }

    // -------------------------------------------------------------------------------------------- hostile JSON

    @TestFactory
    Stream<DynamicTest> hostileJson() {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("nesting 10,000 deep", ("{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}")
                .getBytes(StandardCharsets.UTF_8));
        bodies.put("a number of 1,000 digits", ("{\"webhookRetries\":" + "9".repeat(1000) + "}")
                .getBytes(StandardCharsets.UTF_8));
        bodies.put("1e999999999", "{\"webhookRetries\":1e999999999}".getBytes(StandardCharsets.UTF_8));
        bodies.put("an integer past long", "{\"webhookRetries\":99999999999999999999}".getBytes(StandardCharsets.UTF_8));
        bodies.put("NaN", "{\"webhookRetries\":NaN}".getBytes(StandardCharsets.UTF_8));
        bodies.put("duplicate keys", "{\"webhookRetries\":1,\"webhookRetries\":5}".getBytes(StandardCharsets.UTF_8));
        bodies.put("invalid UTF-8", Wire.concat("{\"primaryEndpointId\":\"".getBytes(StandardCharsets.UTF_8),
                new byte[]{(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, "\"}".getBytes(StandardCharsets.UTF_8)));
        bodies.put("truncated", "{\"webhookRetries\":4".getBytes(StandardCharsets.UTF_8));
        bodies.put("trailing tokens", "{\"webhookRetries\":4} {}".getBytes(StandardCharsets.UTF_8));
        bodies.put("an array", "[{\"webhookRetries\":4}]".getBytes(StandardCharsets.UTF_8));
        bodies.put("null", "null".getBytes(StandardCharsets.UTF_8));
        List<DynamicTest> rows = new ArrayList<>();
        bodies.forEach((label, body) -> rows.add(dynamic("management PUT config with " + label
                + " -> 400 invalid_json, nothing stored", () -> expectUnchanged(tenantM,
                () -> wire.send("PUT", "/api/whatsapp/config/" + tenantM, Map.of("Authorization",
                        "Bearer " + AttackGateway.ADMIN_KEY, "Content-Type", "application/json"), body),
                400, "invalid_json"))));
        rows.add(dynamic("management POST endpoint with a 10,000-deep field -> 400 invalid_json", () ->
                expectUnchanged(tenantM, () -> wire.api("POST", "/api/whatsapp/endpoints/" + tenantM,
                        AttackGateway.ADMIN_KEY, "{\"provider\":\"waha\",\"x\":" + "[".repeat(10_000)
                                + "]".repeat(10_000) + "}"), 400, "invalid_json")));
        rows.add(dynamic("send request with a 10,000-deep message -> 400 invalid_json", () -> expect(
                () -> wire.api("POST", "/api/whatsapp/messages/" + tenantM, AttackGateway.ADMIN_KEY,
                        "{\"to\":\"+14155550123\",\"message\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"),
                400, "invalid_json", Stored.NOTHING)));

        // Webhooks: the signed bytes are the provider's; they are stored raw and the processor decides.
        Map<String, byte[]> hooks = new LinkedHashMap<>();
        hooks.put("nesting 10,000 deep", ("{\"object\":\"whatsapp_business_account\",\"entry\":"
                + "[".repeat(10_000) + "]".repeat(10_000) + "}").getBytes(StandardCharsets.UTF_8));
        hooks.put("a 1,000-digit number", ("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":"
                + "9".repeat(1000) + "}]}").getBytes(StandardCharsets.UTF_8));
        hooks.put("1e999999999", "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":1e999999999}]}"
                .getBytes(StandardCharsets.UTF_8));
        hooks.put("duplicate keys", ("{\"object\":\"whatsapp_business_account\",\"object\":\"x\",\"entry\":[]}")
                .getBytes(StandardCharsets.UTF_8));
        hooks.put("invalid UTF-8", Wire.concat(cloudMessage(wamid()), new byte[]{(byte) 0xFF}));
        hooks.put("invalid UTF-8 inside a text", cloudMessageWithText(wamid(),
                new byte[]{'h', (byte) 0xC3, (byte) 0x28, 'i'}));
        hooks.put("truncated JSON", java.util.Arrays.copyOf(cloudMessage(wamid()), 60));
        hooks.put("an empty object", "{}".getBytes(StandardCharsets.UTF_8));
        hooks.put("a UTF-8 BOM before a valid message", Wire.concat(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                cloudMessage(wamid())));
        hooks.forEach((label, body) -> rows.add(dynamic("webhook with " + label
                + " -> 200, then an unknown event or a dead letter, never lost", () -> {
            Answer ok = expect(() -> postWebhook(gw.aCloud, body, cloudSig(gw.aCloud, body)), 200, null,
                    Stored.ONE_RAW_WEBHOOK);
            List<Evidence.Outcome> outcomes = awaitOutcome(ok.json().path("requestId").asText());
            if (!label.contains("BOM")) {
                assertThat(outcomes).allSatisfy(o -> assertThat(
                        o.topic().equals(gw.topics.webhooksDeadLetter().name()) || "unknown".equals(o.eventType()))
                        .as("%s", o).isTrue());
            }
        })));
        return rows.stream();
    }

    // ----------------------------------------------------------------------------------------- mass assignment

    @TestFactory
    Stream<DynamicTest> massAssignment() {
        String waha = wahaEndpoint("https://waha.example.com");
        String base = waha.substring(0, waha.length() - 1);
        List<DynamicTest> rows = new ArrayList<>();
        Map<String, String> createExtras = new LinkedHashMap<>();
        createExtras.put("id", "\"ep_chosenbyattacker\"");
        createExtras.put("createdAt", "\"2000-01-01T00:00:00Z\"");
        createExtras.put("updatedAt", "\"2000-01-01T00:00:00Z\"");
        createExtras.put("secrets", "{\"apiKey\":\"x\"}");
        createExtras.put("health", "\"healthy\"");
        for (var extra : createExtras.entrySet()) {
            rows.add(dynamic("create endpoint with '" + extra.getKey() + "' -> 400 naming it, nothing stored", () -> {
                Answer r = expectUnchanged(tenantM, () -> wire.api("POST", "/api/whatsapp/endpoints/" + tenantM,
                        AttackGateway.ADMIN_KEY, base + ",\"" + extra.getKey() + "\":" + extra.getValue() + "}"),
                        400, "invalid_json");
                assertThat(r.json().path("field").asText()).isEqualTo(extra.getKey());
            }));
        }
        rows.add(dynamic("create endpoint for another tenant's id in the body -> 400 tenantId", () -> {
            Answer r = expectUnchanged(tenantM, () -> wire.api("POST", "/api/whatsapp/endpoints/" + tenantM,
                    AttackGateway.ADMIN_KEY, base + ",\"tenantId\":\"" + tenantN + "\"}"), 400, "invalid_field");
            assertThat(r.json().path("field").asText()).isEqualTo("tenantId");
            assertThat(evidence.tenantState(tenantN).get("endpoints")).asString().isEqualTo("[]");
        }));
        rows.add(dynamic("create endpoint with read-only webhookUrl and healthStatus -> 201, both ignored", () -> {
            Answer r = wire.api("POST", "/api/whatsapp/endpoints/" + tenantM, AttackGateway.ADMIN_KEY,
                    base + ",\"webhookUrl\":\"https://evil.example/hook\",\"healthStatus\":\"healthy\"}");
            assertNoLeak(r);
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(r.json().path("webhookUrl").asText()).doesNotContain("evil.example")
                    .endsWith("/api/whatsapp/webhook/" + tenantM + "/" + r.json().path("id").asText());
            assertThat(r.json().path("healthStatus").asText()).isNotEqualTo("healthy");
        }));
        rows.add(dynamic("update endpoint with 'id' -> 400, endpoint unchanged", () -> expectUnchanged(tenantM,
                () -> wire.api("PUT", "/api/whatsapp/endpoints/" + tenantM + "/" + endpointM, AttackGateway.ADMIN_KEY,
                        "{\"name\":\"renamed\",\"id\":\"ep_other\"}"), 400, "invalid_json")));
        rows.add(dynamic("update endpoint moving it to another tenant -> 400, endpoint unchanged", () ->
                expectUnchanged(tenantM, () -> wire.api("PUT", "/api/whatsapp/endpoints/" + tenantM + "/" + endpointM,
                        AttackGateway.ADMIN_KEY, "{\"tenantId\":\"" + tenantN + "\"}"), 400, "invalid_field")));
        rows.add(dynamic("update endpoint changing its provider -> 400, endpoint unchanged", () ->
                expectUnchanged(tenantM, () -> wire.api("PUT", "/api/whatsapp/endpoints/" + tenantM + "/" + endpointM,
                        AttackGateway.ADMIN_KEY, "{\"provider\":\"cloud-api\"}"), 400, "invalid_field")));
        rows.add(dynamic("update config with tenantId of another tenant -> 400", () -> expectUnchanged(tenantM,
                () -> wire.api("PUT", "/api/whatsapp/config/" + tenantM, AttackGateway.ADMIN_KEY,
                        "{\"tenantId\":\"" + tenantN + "\",\"webhookRetries\":9}"), 400, "invalid_field")));
        rows.add(dynamic("update config with createdAt -> 400", () -> expectUnchanged(tenantM,
                () -> wire.api("PUT", "/api/whatsapp/config/" + tenantM, AttackGateway.ADMIN_KEY,
                        "{\"createdAt\":\"2000-01-01T00:00:00Z\",\"webhookRetries\":9}"), 400, "invalid_json")));
        rows.add(dynamic("update config with an endpoints list -> 400", () -> expectUnchanged(tenantM,
                () -> wire.api("PUT", "/api/whatsapp/config/" + tenantM, AttackGateway.ADMIN_KEY,
                        "{\"endpoints\":[{\"id\":\"ep_x\"}]}"), 400, "invalid_json")));
        rows.add(dynamic("update config with another tenant's endpoint as primary -> refused by the processor, unchanged",
                () -> {
                    // The ingress cannot see other tenants' endpoints; the processor, the single writer, refuses
                    // the command: it stays on the command log with its refusal, and the tenant's state is unchanged.
                    Map<String, Object> state = evidence.tenantState(tenantM);
                    Answer r = wire.api("PUT", "/api/whatsapp/config/" + tenantM, AttackGateway.ADMIN_KEY,
                            "{\"primaryEndpointId\":\"" + gw.aCloud.endpointId() + "\"}");
                    assertNoLeak(r);
                    assertThat(r.status()).as(r.body()).isIn(404, 409, 422);
                    assertThat(evidence.tenantState(tenantM)).isEqualTo(state);
                }));
        rows.add(dynamic("create device with status and id -> 400, no device", () -> expectUnchanged(tenantM,
                () -> wire.api("POST", "/api/whatsapp/devices/" + tenantM, AttackGateway.ADMIN_KEY,
                        "{\"endpointId\":\"" + endpointM + "\",\"deviceName\":\"d\",\"status\":\"connected\","
                                + "\"id\":\"dev_chosen\"}"), 400, "invalid_json")));
        rows.add(dynamic("create device on another tenant's endpoint -> 404, no device", () -> {
            Answer r = expectUnchanged(tenantM, () -> wire.api("POST", "/api/whatsapp/devices/" + tenantM,
                    AttackGateway.ADMIN_KEY, "{\"endpointId\":\"" + gw.aWaha.endpointId() + "\",\"deviceName\":\"d\"}"),
                    -1, null);
            assertThat(r.status()).as(r.body()).isIn(404, 422);
        }));
        rows.add(dynamic("send request choosing its messageId and status -> 400, no send command", () -> expect(
                () -> wire.api("POST", "/api/whatsapp/messages/" + tenantM, AttackGateway.ADMIN_KEY,
                        "{\"to\":\"+14155550123\",\"type\":\"text\",\"content\":\"hi\",\"messageId\":\"msg_x\","
                                + "\"status\":\"read\"}"), 400, "invalid_json", Stored.NOTHING)));
        rows.add(dynamic("send request naming another tenant -> 400, no send command", () -> expect(
                () -> wire.api("POST", "/api/whatsapp/messages/" + tenantM, AttackGateway.ADMIN_KEY,
                        "{\"to\":\"+14155550123\",\"type\":\"text\",\"content\":\"hi\",\"tenantId\":\""
                                + gw.aCloud.tenantId() + "\"}"), 400, "invalid_json", Stored.NOTHING)));
        return rows.stream();
    }

    // ----------------------------------------------------------------------------------------------- SSRF URLs

    @TestFactory
    Stream<DynamicTest> endpointUrlsAimedInside() {
        List<String> urls = List.of(
                "http://127.0.0.1:8080", "http://127.0.0.1.", "http://127.1", "http://0", "http://0.0.0.0",
                "http://2130706433", "http://0177.0.0.1", "http://0x7f.0.0.1", "http://0x7f000001",
                "http://017700000001", "http://127.000.000.001", "http://localhost", "http://localhost.",
                "http://LOCALHOST", "http://api.localhost", "http://[::1]", "http://[::]", "http://[0:0:0:0:0:0:0:1]",
                "http://[::ffff:127.0.0.1]", "http://[::ffff:7f00:1]", "http://[::127.0.0.1]", "http://[64:ff9b::7f00:1]",
                "http://[2002:7f00:1::]", "http://169.254.169.254/latest/meta-data/", "http://169.254.169.254.",
                "http://2852039166", "http://0xa9fea9fe", "http://0251.0376.0251.0376", "http://[::ffff:169.254.169.254]",
                "http://[::ffff:a9fe:a9fe]", "http://[fd00:ec2::254]", "http://metadata.google.internal",
                "http://metadata.google.internal.", "http://metadata", "http://instance-data", "http://100.100.100.200",
                "http://10.0.0.1", "http://172.16.0.1", "http://192.168.1.1", "http://[fe80::1]", "http://[fc00::1]",
                "http://printer.local", "http://127\u3002" + "0\u30020\u30021", "http://127\uff0e0\uff0e0\uff0e1",
                "http://\uff11\uff12\uff17.0.0.1", "http://user:pass@waha.example.com", "http://waha.example.com@127.0.0.1",
                "ftp://waha.example.com", "file:///etc/passwd", "gopher://127.0.0.1:6379/_FLUSHALL",
                "http://waha.example.com:0", "http://waha.example.com:65536", "http:///nohost", "//127.0.0.1");
        List<DynamicTest> rows = new ArrayList<>();
        for (String url : urls) {
            rows.add(dynamic("create endpoint apiUrl " + url + " -> 400 invalid_field apiUrl", () -> {
                Answer r = expectUnchanged(tenantM, () -> wire.api("POST", "/api/whatsapp/endpoints/" + tenantM,
                        AttackGateway.ADMIN_KEY, wahaEndpoint(url)), 400, "invalid_field");
                assertThat(r.json().path("field").asText()).isEqualTo("apiUrl");
            }));
        }
        for (String url : List.of("http://169.254.169.254", "http://[::ffff:127.0.0.1]", "http://0x7f000001")) {
            rows.add(dynamic("update endpoint apiUrl to " + url + " -> 400, unchanged", () -> {
                Answer r = expectUnchanged(tenantM, () -> wire.api("PUT", "/api/whatsapp/endpoints/" + tenantM + "/"
                        + endpointM, AttackGateway.ADMIN_KEY, "{\"apiUrl\":\"" + url + "\"}"), 400, "invalid_field");
                assertThat(r.json().path("field").asText()).isEqualTo("apiUrl");
            }));
        }
        return rows.stream();
    }

    // ---------------------------------------------------------------------------- idempotency and revoked keys

    @TestFactory
    Stream<DynamicTest> idempotencyKeysAndRevokedKeys() {
        String tenant = gw.aCloud.tenantId();
        String key = "attack-idem-" + UUID.randomUUID();
        String body = "{\"to\":\"+14155550123\",\"type\":\"text\",\"content\":\"your booking\"}";
        String[] first = new String[1];
        return Stream.of(
                dynamic("idempotency: first use of a key -> 202", () -> {
                    Answer r = expectSend(tenant, key, body, 202, null, 1);
                    first[0] = r.json().path("messageId").asText();
                    awaitSent(tenant, key);
                }),
                dynamic("idempotency: same key, same body -> 202 with the same message id", () -> {
                    Answer r = expectSend(tenant, key, body, 202, null, 1);
                    assertThat(r.json().path("messageId").asText()).isEqualTo(first[0]);
                }),
                dynamic("idempotency: same key, another body -> 422 idempotency_conflict, no send command", () ->
                        expectSend(tenant, key, body.replace("your booking", "another text"), 422,
                                "idempotency_conflict", 0)),
                dynamic("idempotency: same key, another recipient -> 422 idempotency_conflict", () ->
                        expectSend(tenant, key, body.replace("+14155550123", "+14155550999"), 422,
                                "idempotency_conflict", 0)),
                dynamic("idempotency: header and body keys that differ -> 400", () ->
                        expectSend(tenant, key, body.replace("}", ",\"idempotencyKey\":\"other\"}"), 400,
                                "invalid_request", 0)),
                dynamic("idempotency: a key with a control character -> 400", () -> expect(
                        () -> wire.api("POST", "/api/whatsapp/messages/" + tenant, AttackGateway.ADMIN_KEY,
                                body.replace("}", ",\"idempotencyKey\":\"a\\u0000b\"}")), 400, "invalid_request",
                        Stored.NOTHING)),
                dynamic("revoked key: works, is revoked, then 401 on the next request", () -> {
                    Answer issued = wire.api("POST", "/api/whatsapp/keys/" + tenantN, AttackGateway.ADMIN_KEY, null);
                    assertThat(issued.status()).as(issued.body()).isEqualTo(201);
                    String k = issued.json().path("key").asText();
                    String id = issued.json().path("keyId").asText();
                    assertThat(wire.api("GET", "/api/whatsapp/config/" + tenantN, k, null).status()).isEqualTo(200);
                    Answer revoked = wire.api("DELETE", "/api/whatsapp/keys/" + tenantN + "/" + id,
                            AttackGateway.ADMIN_KEY, null);
                    assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
                    assertNoLeak(revoked, k);
                    expect(() -> wire.api("GET", "/api/whatsapp/config/" + tenantN, k, null), 401, "unauthorized",
                            Stored.NOTHING);
                    expectUnchanged(tenantN, () -> wire.api("PUT", "/api/whatsapp/config/" + tenantN, k,
                            "{\"webhookRetries\":6}"), 401, "unauthorized");
                    expect(() -> wire.api("POST", "/api/whatsapp/messages/" + tenantN, k, body), 401, "unauthorized",
                            Stored.NOTHING);
                }),
                dynamic("a well-formed key that was never issued -> 401", () -> expect(
                        () -> wire.api("GET", "/api/whatsapp/config/" + tenantM, "wak_key_AAAAAAAAAAAAAAAA_"
                                + "A".repeat(40), null), 401, "unauthorized", Stored.NOTHING)));
    }

    private Answer expectSend(String tenant, String key, String body, int status, String code, int commands) {
        Map<String, Long> before = evidence.writes();
        Answer r = wire.send("POST", "/api/whatsapp/messages/" + tenant, Map.of("Authorization",
                "Bearer " + AttackGateway.ADMIN_KEY, "Content-Type", "application/json", "Idempotency-Key", key),
                body.getBytes(StandardCharsets.UTF_8));
        assertAnswer(r, status, code);
        Map<String, Long> after = evidence.writes();
        String sends = gw.topics.sendCommands().name();
        assertThat(after.get(sends) - before.get(sends)).as("send commands written").isEqualTo(commands);
        return r;
    }

    private static void awaitSent(String tenant, String key) {
        String redisKey = gw.keys.idempotency(tenant, key);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            String v = redis.get(redisKey);
            if (v != null && Wire.json(v).path("result").path("messageId").isTextual()) {
                return;
            }
            AttackGateway.sleep(50);
        }
        throw new AssertionError("the sender did not record a result for the idempotency key within " + PATIENCE);
    }

    // -------------------------------------------------------------------------------------------------- helpers

    private static DynamicTest dynamic(String name, org.junit.jupiter.api.function.Executable body) {
        return DynamicTest.dynamicTest(name, body);
    }

    private static DynamicTest webhookRow(String name, Seeded endpoint, java.util.function.Function<byte[], String> sig,
                                          int status, String code, Stored stored) {
        return dynamic(name, () -> {
            byte[] body = cloudMessage(wamid());
            expect(() -> postWebhook(endpoint, body, sig.apply(body)), status, code, stored);
        });
    }

    /** Runs the request and checks its answer and what it wrote to the topics. */
    private static Answer expect(Supplier<Answer> request, int status, String code, Stored stored) {
        Map<String, Long> before = evidence.writes();
        Answer r = request.get();
        assertAnswer(r, status, code);
        checkWrites(before, evidence.writes(), stored);
        return r;
    }

    /** {@link #expect} for writes on a tenant: nothing on any topic, and the tenant's Redis state unchanged. */
    private static Answer expectUnchanged(String tenant, Supplier<Answer> request, int status, String code) {
        Map<String, Object> state = evidence.tenantState(tenant);
        Map<String, Long> before = evidence.writes();
        Answer r = request.get();
        if (status > 0) {
            assertAnswer(r, status, code);
        } else {
            assertNoLeak(r);
        }
        checkWrites(before, evidence.writes(), Stored.NOTHING);
        assertThat(evidence.tenantState(tenant)).as("Redis state of %s", tenant).isEqualTo(state);
        return r;
    }

    private static RawAnswer expectRaw(byte[] request, int status, Stored stored) {
        Map<String, Long> before = evidence.writes();
        RawAnswer r = Wire.raw(gw.port(), request, Duration.ofSeconds(2));
        assertThat(r.first()).as("status of %s", r.text()).isEqualTo(status);
        assertThat(r.text()).doesNotContain("\tat ").doesNotContain("Exception");
        checkWrites(before, evidence.writes(), stored);
        return r;
    }

    private static void checkWrites(Map<String, Long> before, Map<String, Long> after, Stored stored) {
        Map<String, Long> expected = new LinkedHashMap<>(before);
        if (stored == Stored.ONE_RAW_WEBHOOK) {
            expected.merge(gw.topics.webhooksRaw().name(), 1L, Long::sum);
        }
        assertThat(after).as("records on the topics a request can write").isEqualTo(expected);
    }

    private static void assertAnswer(Answer r, int status, String code) {
        assertThat(r.status()).as("status; body %s", r.body()).isEqualTo(status);
        if (code != null) {
            assertThat(r.code()).as("code; body %s", r.body()).isEqualTo(code);
        }
        assertNoLeak(r);
    }

    private static void assertNoLeak(Answer r, String... more) {
        assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception").doesNotContain("com.booqing");
        for (String s : SECRETS) {
            assertThat(r.body()).as("answer quotes a secret").doesNotContain(s);
        }
        for (String s : more) {
            assertThat(r.body()).as("answer quotes a secret").doesNotContain(s);
        }
    }

    private static List<Evidence.Outcome> awaitOutcome(String requestId) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            List<Evidence.Outcome> o = evidence.outcomes(requestId);
            if (!o.isEmpty()) {
                return o;
            }
            AttackGateway.sleep(50);
        }
        throw new AssertionError("webhook " + requestId + " was neither an event nor a dead letter within " + PATIENCE
                + " (read " + evidence.seen() + "; processor streams " + gw.processor.streamsState() + ")");
    }

    private static Answer postWebhook(Seeded e, byte[] body, String signature) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("X-Hub-Signature-256", signature);
        return wire.send("POST", e.webhookPath(), h, body);
    }

    private static Answer postWaha(Seeded e, byte[] body, String hmacHex, String algorithm) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("X-Webhook-Hmac", hmacHex);
        h.put("X-Webhook-Hmac-Algorithm", algorithm);
        return wire.send("POST", e.webhookPath(), h, body);
    }

    private static Answer postEvolution(Seeded e, byte[] body, String jwt) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("Authorization", jwt == null ? null : "Bearer " + jwt);
        return wire.send("POST", e.webhookPath(), h, body);
    }

    private static byte[] post(String path, String headers, byte[] body) {
        boolean hasLength = headers.toLowerCase(Locale.ROOT).contains("content-length")
                || headers.toLowerCase(Locale.ROOT).contains("transfer-encoding");
        return Wire.concat(Wire.ascii("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + headers
                + (hasLength ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n"), body);
    }

    private static String wamid() {
        return "wamid.attack-" + SEQ.incrementAndGet() + "-" + UUID.randomUUID();
    }

    private static byte[] cloudMessage(String wamid) {
        return cloudMessageWithText(wamid, "hi".getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] cloudMessageWithText(String wamid, byte[] text) {
        String head = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":"
                + "[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":"
                + "{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"" + AttackGateway.PHONE_NUMBER_ID
                + "\"},\"contacts\":[{\"profile\":{\"name\":\"Ana\"},\"wa_id\":\"14155550123\"}],\"messages\":"
                + "[{\"from\":\"14155550123\",\"id\":\"" + wamid + "\",\"timestamp\":\"1767225600\",\"type\":\"text\","
                + "\"text\":{\"body\":\"";
        return Wire.concat(head.getBytes(StandardCharsets.UTF_8), text,
                "\"}}]}}]}]}".getBytes(StandardCharsets.UTF_8));
    }

    /** A valid Cloud API message padded with a long text to exactly {@code size} bytes. */
    private static byte[] padded(int size) {
        int empty = cloudMessageWithText("wamid.pad", new byte[0]).length;
        return cloudMessageWithText("wamid.pad", "x".repeat(size - empty).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] wahaMessage() {
        return ("{\"id\":\"evt_" + UUID.randomUUID().toString().replace("-", "") + "\",\"timestamp\":1767225600000,"
                + "\"event\":\"message\",\"session\":\"default\",\"payload\":{\"id\":\"false_14155550123@c.us_"
                + UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT) + "\",\"timestamp\":1767225600,"
                + "\"from\":\"14155550123@c.us\",\"fromMe\":false,\"body\":\"hi\",\"hasMedia\":false}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] evolutionMessage() {
        return ("{\"event\":\"messages.upsert\",\"instance\":\"i\",\"data\":{\"key\":{\"remoteJid\":"
                + "\"14155550123@s.whatsapp.net\",\"fromMe\":false,\"id\":\"" + UUID.randomUUID() + "\"},"
                + "\"message\":{\"conversation\":\"hi\"},\"messageTimestamp\":1767225600},"
                + "\"date_time\":\"2026-01-01T00:00:00.000Z\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static final String HS256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private static String claims(long iat) {
        return "{\"iat\":" + iat + ",\"exp\":" + (iat + 600) + ",\"app\":\"evolution\",\"action\":\"webhook\"}";
    }

    /** {@code key} as "HmacSHA256:secret"; null for an unsigned token. */
    private static String jwt(String header, String claims, String key) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        if (key == null) {
            return input + ".";
        }
        int colon = key.indexOf(':');
        return input + "." + b64.encodeToString(hmac(key.substring(0, colon), key.substring(colon + 1),
                input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String wahaEndpoint(String apiUrl) {
        return "{\"name\":\"attack waha\",\"provider\":\"waha\",\"apiUrl\":\"" + apiUrl.replace("\\", "\\\\")
                + "\",\"apiKey\":\"" + WAHA_API_KEY + "\",\"sessionName\":\"default\","
                + "\"hmacKey\":\"" + WAHA_HMAC_KEY + "\"}";
    }

    private static String cloudSig(Seeded e, byte[] body) {
        return "sha256=" + hex(hmac("HmacSHA256", e.webhookSecret(), body));
    }

    private static byte[] hmac(String algorithm, String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
