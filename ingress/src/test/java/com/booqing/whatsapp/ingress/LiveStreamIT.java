package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.booqing.whatsapp.ingress.LiveStack.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live stream of IngressMain's wiring on the real broker: records that the health monitor and the processor
 * publish reach the streams of their tenant, and only theirs; the stream is authenticated like every tenant route.
 */
@KafkaAndRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveStreamIT {
    static final Duration WAIT = Duration.ofSeconds(30);

    final Infra infra;
    LiveStack stack;
    LiveStack.Tenant a;
    LiveStack.Tenant b;

    LiveStreamIT(Infra infra) {
        this.infra = infra;
    }

    @BeforeAll
    void start() {
        stack = new LiveStack(infra);
        a = stack.tenant("salon");
        b = stack.tenant("clinic");
        stack.start(Map.of("INGRESS_STREAM_HEARTBEAT_MS", "500"), a);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    SseTestClient stream(LiveStack.Tenant t, String key) throws Exception {
        return SseTestClient.open(stack.url("/api/whatsapp/stream/" + t.id()), Map.of("Authorization", "Bearer " + key));
    }

    @Test
    void aTenantsStreamCarriesItsHealthDeviceQrAndFailoverEventsAndNoneOfAnotherTenants() throws Exception {
        try (SseTestClient client = stream(a, a.key())) {
            assertThat(client.status()).isEqualTo(200);
            client.await("stream.open", "\"resumed\":false", WAIT);
            // The first state already lists the tenant's endpoint, unchecked so far.
            client.await("endpoint.health", a.endpointId(), WAIT);

            // The other tenant's news first, then ours: when ours has arrived, theirs had every chance to.
            stack.health(b, HealthState.UNHEALTHY, 999L, "b is down");
            stack.device(b, DeviceStatus.PAIRING, "2@qr-of-the-other-tenant");
            stack.deviceEvent(b, DeviceStatus.PAIRING, "2@qr-of-the-other-tenant");
            String bFailover = stack.failover(b, "primary of b unhealthy");

            stack.health(a, HealthState.UNHEALTHY, 250L, "connection refused");
            stack.device(a, DeviceStatus.DISCONNECTED, null);
            stack.deviceEvent(a, DeviceStatus.PAIRING, "2@qr-of-salon-a");
            String aFailover = stack.failover(a, "primary " + a.endpointId() + " unhealthy since now; in effect none");

            SseTestClient.Event health = client.await(e -> e.name().equals("endpoint.health")
                    && e.data().contains("\"state\":\"unhealthy\""), WAIT);
            SseTestClient.Event qr = client.await("device.qr", "2@qr-of-salon-a", WAIT);
            client.await("device.status", a.deviceId(), WAIT);
            SseTestClient.Event failover = client.await("failover", aFailover, WAIT);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> true);

            assertThat(Json.lenient().readTree(health.data()).get("latencyMs").asLong()).isEqualTo(250);
            assertThat(Json.lenient().readTree(health.data()).get("lastError").asText()).isEqualTo("connection refused");
            assertThat(Json.lenient().readTree(qr.data()).at("/qrCode/pngDataUrl").asText())
                    .startsWith("data:image/png;base64,");
            assertThat(failover.id()).isNotBlank();
            List<SseTestClient.Event> all = client.events();
            assertThat(all).allSatisfy(e -> assertThat(e.data()).doesNotContain(b.id(), b.endpointId(), b.deviceId(),
                    "qr-of-the-other-tenant", bFailover, "b is down"));
            assertThat(all).allSatisfy(e -> assertThat(e.data()).doesNotContain(a.key(), "+31612345678",
                    LiveStack.HMAC_KEY, TestEndpoints.ACCESS_TOKEN));
        }
    }

    @Test
    void anotherTenantsKeyGetsTheSame404AsATenantThatDoesNotExist() throws Exception {
        try (SseTestClient others = stream(b, a.key());
             SseTestClient ghost = SseTestClient.open(stack.url("/api/whatsapp/stream/ghost-tenant"),
                     Map.of("Authorization", "Bearer " + a.key()));
             SseTestClient nobody = SseTestClient.open(stack.url("/api/whatsapp/stream/" + a.id()), Map.of())) {
            HttpResponse<String> token = stack.post("/api/whatsapp/stream/" + b.id() + "/token", a.key());

            assertThat(others.status()).isEqualTo(404);
            assertThat(others.errorBody()).isEqualTo(ghost.errorBody())
                    .isEqualTo("{\"code\":\"tenant_not_found\",\"message\":\"tenant not found\"}");
            assertThat(token.statusCode()).isEqualTo(404);
            assertThat(token.body()).isEqualTo(ghost.errorBody());
            assertThat(nobody.status()).isEqualTo(401);
        }
    }

    @Test
    void aStreamTokenOpensItsTenantsStreamAndNothingElse() throws Exception {
        HttpResponse<String> issued = stack.post("/api/whatsapp/stream/" + a.id() + "/token", a.key());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        assertThat(issued.headers().firstValue("Cache-Control")).contains("no-store");
        String token = URLEncoder.encode(Json.lenient().readTree(issued.body()).get("token").asText(),
                StandardCharsets.UTF_8);

        try (SseTestClient own = SseTestClient.open(stack.url("/api/whatsapp/stream/" + a.id() + "?access_token="
                + token), Map.of());
             SseTestClient others = SseTestClient.open(stack.url("/api/whatsapp/stream/" + b.id()
                     + "?access_token=" + token), Map.of());
             SseTestClient forged = SseTestClient.open(stack.url("/api/whatsapp/stream/" + a.id()
                     + "?access_token=wst_forged.token"), Map.of())) {
            assertThat(own.status()).isEqualTo(200);
            own.await("stream.open", a.id(), WAIT);
            assertThat(others.status()).isEqualTo(404);
            assertThat(forged.status()).isEqualTo(401);
        }
        // Only the stream takes a token: not the other routes, not the token route itself.
        assertThat(stack.get("/api/whatsapp/health/" + a.id() + "?access_token=" + token, null).statusCode())
                .isEqualTo(401);
        assertThat(stack.post("/api/whatsapp/stream/" + a.id() + "/token?access_token=" + token, null).statusCode())
                .isEqualTo(401);
        // The admin key may ask for any tenant's token; it then opens that tenant's stream only.
        HttpResponse<String> admins = stack.post("/api/whatsapp/stream/" + b.id() + "/token", ADMIN_KEY);
        String adminToken = Json.lenient().readTree(admins.body()).get("token").asText();
        try (SseTestClient toA = SseTestClient.open(stack.url("/api/whatsapp/stream/" + a.id() + "?access_token="
                + adminToken), Map.of())) {
            assertThat(toA.status()).isEqualTo(404);
        }
    }

    @Test
    void aClientThatReconnectsWithItsLastEventIdGetsWhatItMissed() throws Exception {
        String firstId;
        String missedId;
        try (SseTestClient first = stream(a, ADMIN_KEY)) {
            first.await("stream.open", a.id(), WAIT);
            String seen = stack.failover(a, "seen before the drop");
            firstId = first.await("failover", seen, WAIT).id();
        }
        missedId = stack.failover(a, "happened while away");

        try (SseTestClient again = SseTestClient.open(stack.url("/api/whatsapp/stream/" + a.id()),
                Map.of("Authorization", "Bearer " + ADMIN_KEY, "Last-Event-ID", firstId))) {
            again.await("stream.open", "\"resumed\":true", WAIT);
            again.await("failover", missedId, WAIT);

            assertThat(again.events()).noneMatch(e -> e.name().equals("endpoint.health"));
        }
    }
}
