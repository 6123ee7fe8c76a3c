package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static com.booqing.whatsapp.ingress.TestIngress.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/** Tenant keys: issued once, listed by prefix, revoked; wrong keys counted per client address. */
@KafkaAndRedis
class ApiKeysIT {
    final Infra infra;
    final String tenant;
    ManagementHarness h;

    ApiKeysIT(Infra infra) {
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
    void anIssuedKeyIsShownOnceListedByPrefixAndStopsWorkingWhenRevoked() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            api.post("/api/whatsapp/config/" + tenant, ADMIN_KEY, "{}");

            Api.Reply issued = api.post("/api/whatsapp/keys/" + tenant, ADMIN_KEY, null);
            String key = issued.text("key");
            String keyId = issued.text("keyId");
            Api.Reply works = api.get("/api/whatsapp/config/" + tenant, key);
            Api.Reply list = api.get("/api/whatsapp/keys/" + tenant, ADMIN_KEY);
            Api.Reply revoked = api.delete("/api/whatsapp/keys/" + tenant + "/" + keyId, ADMIN_KEY);
            Api.Reply refused = api.get("/api/whatsapp/config/" + tenant, key);
            Api.Reply listAfter = api.get("/api/whatsapp/keys/" + tenant, ADMIN_KEY);
            Api.Reply revokeUnknown = api.delete("/api/whatsapp/keys/" + tenant + "/key_0000000000000000", ADMIN_KEY);

            assertThat(issued.code()).as(issued.toString()).isEqualTo(201);
            assertThat(key).matches("wak_key_[A-Za-z0-9]{16}_[A-Za-z0-9]{40}").startsWith(issued.text("prefix"));
            assertThat(issued.json().has("sha256Hex")).isFalse();
            assertThat(works.code()).isEqualTo(200);
            JsonNode listed = list.json().get("keys").get(0);
            assertThat(listed.get("keyId").asText()).isEqualTo(keyId);
            assertThat(listed.get("prefix").asText()).isEqualTo("wak_" + keyId);
            assertThat(list.body()).doesNotContain(key.substring(key.lastIndexOf('_') + 1)).doesNotContain("sha256");
            assertThat(revoked.code()).as(revoked.toString()).isEqualTo(200);
            assertThat(revoked.json().get("revoked").asBoolean()).isTrue();
            assertThat(refused.code()).isEqualTo(401);
            assertThat(listAfter.json().get("keys").get(0).has("revokedAt")).isTrue();
            assertThat(revokeUnknown.code()).isEqualTo(404);
            assertThat(revokeUnknown.text("code")).isEqualTo("api_key_not_found");
        });
    }

    @Test
    void repeatedWrongKeysFromOneAddressAre429UntilTheWindowEnds() {
        h = new ManagementHarness(infra, TestIngress.management(Duration.ofSeconds(3), Duration.ofSeconds(2),
                Duration.ofSeconds(3), 3));
        h.run(api -> {
            String path = "/api/whatsapp/config/" + tenant;
            Api.Reply first = api.get(path, "wrong-key-1");
            api.get(path, "wak_key_0000000000000000_" + "x".repeat(40));
            Api.Reply third = api.get(path, "wrong-key-3");
            Api.Reply blocked = api.get(path, "wrong-key-4");
            Api.Reply evenTheAdmin = api.get(path, ADMIN_KEY);

            assertThat(first.code()).isEqualTo(401);
            assertThat(third.code()).isEqualTo(401);
            assertThat(blocked.code()).isEqualTo(429);
            assertThat(blocked.text("code")).isEqualTo("too_many_auth_failures");
            assertThat(Long.parseLong(blocked.headers().get("Retry-After").get(0))).isBetween(1L, 60L);
            assertThat(evenTheAdmin.code()).isEqualTo(429);
        });
    }

    @Test
    void requestsWithoutAKeyAreNotCountedAsGuesses() {
        h = new ManagementHarness(infra, TestIngress.management(Duration.ofSeconds(3), Duration.ofSeconds(2),
                Duration.ofSeconds(3), 2));
        h.run(api -> {
            for (int i = 0; i < 5; i++) {
                assertThat(api.get("/api/whatsapp/config/" + tenant, null).code()).isEqualTo(401);
            }
            assertThat(api.get("/api/whatsapp/config/" + tenant, ADMIN_KEY).code()).isEqualTo(404);
        });
    }
}
