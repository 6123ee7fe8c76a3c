package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static com.booqing.whatsapp.ingress.TestIngress.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** No answer of the management API ever carries more of a secret than its mask (four characters each end). */
@KafkaAndRedis
class MaskingIT {
    /** Literal on purpose (the masks are asserted); all but the short last one are audit canaries too. */
    static final List<String> SECRETS = java.util.stream.Stream.of(
            "EAAGZq8Xw3Lp9Rt2Mv6Nb4Kc1Hy7", "Qj5Wd8Fs2Gh6Jk9Lz3Xc7Vb1", "Tn4Ym8Ur2Ie6Ow9Pa3Sd7F",
            "Hg5Jf8Kd2Ls6Qa9Wz3Ex7R", "Cv4Bn8Mq2Wt6Ey9Ru3Io7P", "Ul5Kj8Hg2Fd6Sa9Qw3Er", "Ty4Ui8Op2As6Df9Gh3Jk",
            "Zx5Cv8Bn").map(s -> s.length() >= 16 ? Canaries.register("ingress masking secret", s) : s).toList();

    final Infra infra;
    final String tenant;
    ManagementHarness h;

    MaskingIT(Infra infra) {
        this.infra = infra;
        this.tenant = infra.uniqueId("salon");
    }

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void noAnswerCarriesMoreOfASecretThanItsMask() {
        h = new ManagementHarness(infra, TestIngress.management(ManagementHarness.SHORT, Duration.ofSeconds(2),
                Duration.ofSeconds(2), 5));
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");
            String cloud = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, "{\"provider\":\"cloud-api\","
                    + "\"phoneNumberId\":\"1234567890\",\"accessToken\":\"" + SECRETS.get(0) + "\",\"appSecret\":\""
                    + SECRETS.get(1) + "\",\"verifyToken\":\"" + SECRETS.get(2) + "\"}").text("id");
            String waha = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, "{\"provider\":\"waha\","
                    + "\"apiUrl\":\"https://waha.example.com\",\"apiKey\":\"" + SECRETS.get(3) + "\",\"hmacKey\":\""
                    + SECRETS.get(4) + "\",\"sessionName\":\"default\"}").text("id");
            String evo = api.post("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY, "{\"provider\":\"evolution\","
                    + "\"apiUrl\":\"https://evo.example.com\",\"apiKey\":\"" + SECRETS.get(5) + "\",\"webhookSecret\":\""
                    + SECRETS.get(6) + "\",\"instanceName\":\"booqing\"}").text("id");
            api.put("/api/whatsapp/endpoints/" + tenant + "/" + waha, ADMIN_KEY,
                    "{\"apiKey\":\"" + SECRETS.get(7) + "\"}");
            h.processor.mode = FakeProcessor.Mode.HOLD;
            String location = api.put("/api/whatsapp/endpoints/" + tenant + "/" + evo, ADMIN_KEY,
                    "{\"apiKey\":\"" + SECRETS.get(5) + "-rotated\"}").text("location");
            h.processor.releaseHeld();
            h.processor.mode = FakeProcessor.Mode.ANSWER;

            api.get(location, ADMIN_KEY);
            api.get("/api/whatsapp/config/" + tenant, ADMIN_KEY);
            api.get("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY);
            for (String ep : List.of(cloud, waha, evo)) {
                api.get("/api/whatsapp/endpoints/" + tenant + "/" + ep, ADMIN_KEY);
                api.post("/api/whatsapp/endpoints/" + tenant + "/" + ep + "?action=test-health", ADMIN_KEY, null);
            }
            api.get("/api/whatsapp/health/" + tenant, ADMIN_KEY);
            Api.Reply waha1 = api.get("/api/whatsapp/endpoints/" + tenant + "/" + waha, ADMIN_KEY);

            assertThat(waha1.text("apiKey")).isEqualTo("****");
            assertThat(h.bodies).hasSizeGreaterThan(15);
            for (String body : h.bodies) {
                for (String secret : SECRETS) {
                    for (int i = 0; i + 5 <= secret.length(); i++) {
                        assertThat(body).as("a response shows part of a secret")
                                .doesNotContain(secret.substring(i, i + 5));
                    }
                }
                assertThat(body).doesNotContain("v1." + h.box.currentKeyId() + ".");
            }
        });
    }

    @Test
    void secretsTheStoreShouldNeverHaveHeldAreHiddenAnyway() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");
            String id = "ep_leakyProjection01";
            String sealed = h.box.seal("sealed-secret-value", Endpoint.secretContext(tenant, id, "apiKey")).token();
            h.redis.set(h.keys.endpoint(id), "{\"id\":\"" + id + "\",\"tenantId\":\"" + tenant + "\",\"provider\":"
                    + "\"waha\",\"apiUrl\":\"https://waha.example.com\",\"apiKey\":\"" + sealed + "\","
                    + "\"webhookSecret\":\"plain-text-secret-123\",\"nested\":{\"accessToken\":\"EAAGnested-token-1\"},"
                    + "\"sessionData\":\"{creds}\"}");
            h.redis.sadd(h.keys.tenantEndpoints(tenant), id);

            Api.Reply one = api.get("/api/whatsapp/endpoints/" + tenant + "/" + id, ADMIN_KEY);
            Api.Reply list = api.get("/api/whatsapp/endpoints/" + tenant, ADMIN_KEY);

            assertThat(one.text("apiKey")).isEqualTo("****");
            assertThat(one.text("webhookSecret")).isEqualTo("****");
            assertThat(one.json().get("nested").get("accessToken").asText()).isEqualTo("****");
            assertThat(one.json().has("sessionData")).isFalse();
            for (String body : List.of(one.body(), list.body())) {
                assertThat(body).doesNotContain(sealed).doesNotContain("plain-text").doesNotContain("EAAGnested")
                        .doesNotContain("creds");
            }
        });
    }
}
