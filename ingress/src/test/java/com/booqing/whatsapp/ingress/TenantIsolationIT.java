package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static com.booqing.whatsapp.ingress.TestIngress.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenant A's key against every documented route of tenant B, and against A's own routes with B's ids: always
 * the answer of a tenant or id that does not exist, byte for byte, and nothing changes. Without a key, 401.
 */
@KafkaAndRedis
class TenantIsolationIT {
    /** Path parameters that name a resource of a tenant (phone numbers are the tenant's own conversations). */
    static final java.util.Set<String> ID_PARAMS = java.util.Set.of("endpointId", "id", "commandId", "keyId",
            "messageId");
    static final String TENANT_NOT_FOUND = "{\"code\":\"tenant_not_found\",\"message\":\"tenant not found\"}";

    final Infra infra;
    ManagementHarness h;

    TenantIsolationIT(Infra infra) {
        this.infra = infra;
    }

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    /** Path values: B's real ids, or ids that exist nowhere. */
    static Map<String, String> values(String tenant, TenantFixture ids, String commandId) {
        return Map.of("tenantId", tenant, "endpointId", ids.endpointId(), "id", ids.deviceId(),
                "commandId", commandId, "keyId", ids.keyId(), "messageId", "msg_0123456789abcdef",
                "phone", "31612345678");
    }

    static Map<String, String> ghosts(String tenant) {
        return Map.of("tenantId", tenant, "endpointId", "ep_ghost0000000000", "id", "dev_ghost000000000",
                "commandId", "cmd_ghost000000000", "keyId", "key_ghost0000000000", "messageId", "msg_0123456789abcdef",
                "phone", "31612345678");
    }

    @Test
    void aTenantKeySeesNothingOfAnotherTenant() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            TenantFixture a = TenantFixture.create(api, infra.uniqueId("tenantA"));
            TenantFixture b = TenantFixture.create(api, infra.uniqueId("tenantB"));
            String commandOfB = h.processor.commands.stream().filter(c -> c.tenantId().equals(b.tenantId()))
                    .reduce((x, y) -> y).map(ManagementCommand::commandId).orElseThrow();
            int commandsBefore = h.processor.commands.size();
            SoftAssertions soft = new SoftAssertions();

            for (Documented.Operation op : Documented.operations()) {
                if (op.isPublic()) {
                    continue;
                }
                String query = op.queryEnum("action").isEmpty() ? "" : "?action=" + op.queryEnum("action").get(0);
                String body = op.bodyExamples().isEmpty() ? null : op.bodyExamples().get(0);

                // B's routes: B's tenant id everywhere (for /devices/{id} that is the tenant-list form).
                Map<String, String> bRoutes = new java.util.HashMap<>(values(b.tenantId(), b, commandOfB));
                bRoutes.put("id", b.tenantId());
                Map<String, String> ghostRoutes = new java.util.HashMap<>(ghosts("ghost-tenant"));
                ghostRoutes.put("id", "ghost-tenant");
                Api.Reply others = api.call(op.method(), op.path(bRoutes) + query, a.key(), body);
                Api.Reply ghost = api.call(op.method(), op.path(ghostRoutes) + query, a.key(), body);
                soft.assertThat(others.code()).as("%s with B's tenant", op).isEqualTo(404);
                soft.assertThat(others.body()).as("%s with B's tenant", op).isEqualTo(ghost.body());
                if (op.pathParams().contains("tenantId")) {
                    soft.assertThat(others.body()).as("%s with B's tenant", op).isEqualTo(TENANT_NOT_FOUND);
                }

                // A's own routes with B's ids.
                if (op.pathParams().stream().anyMatch(ID_PARAMS::contains)) {
                    Api.Reply withBsIds = api.call(op.method(), op.path(values(a.tenantId(), b, commandOfB)) + query,
                            a.key(), body);
                    Api.Reply withGhostIds = api.call(op.method(), op.path(ghosts(a.tenantId())) + query, a.key(),
                            body);
                    soft.assertThat(withBsIds.code()).as("%s with B's ids", op).isEqualTo(withGhostIds.code());
                    soft.assertThat(withBsIds.body()).as("%s with B's ids", op).isEqualTo(withGhostIds.body());
                    soft.assertThat(withBsIds.code()).as("%s with B's ids", op).isIn(403, 404);
                }
            }
            soft.assertAll();

            assertThat(h.processor.commands.subList(commandsBefore, h.processor.commands.size()))
                    .noneMatch(c -> c.tenantId().equals(b.tenantId()));
            assertThat(api.get("/api/whatsapp/devices/" + b.deviceId(), ADMIN_KEY).code()).isEqualTo(200);
            assertThat(api.get("/api/whatsapp/endpoints/" + b.tenantId() + "/" + b.endpointId(), ADMIN_KEY).code())
                    .isEqualTo(200);
        });
    }

    @Test
    void aTenantKeyWorksOnItsOwnTenantButNotOnAdminRoutes() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            TenantFixture a = TenantFixture.create(api, infra.uniqueId("tenantA"));

            Api.Reply config = api.get("/api/whatsapp/config/" + a.tenantId(), a.key());
            Api.Reply device = api.get("/api/whatsapp/devices/" + a.deviceId(), a.key());
            Api.Reply renamed = api.put("/api/whatsapp/devices/" + a.deviceId(), a.key(), "{\"deviceName\":\"bar\"}");
            Api.Reply keys = api.get("/api/whatsapp/keys/" + a.tenantId(), a.key());
            Api.Reply issue = api.post("/api/whatsapp/keys/" + a.tenantId(), a.key(), null);

            assertThat(config.code()).isEqualTo(200);
            assertThat(device.code()).isEqualTo(200);
            assertThat(renamed.code()).as(renamed.toString()).isEqualTo(200);
            assertThat(renamed.text("deviceName")).isEqualTo("bar");
            assertThat(keys.code()).isEqualTo(403);
            assertThat(issue.code()).isEqualTo(403);
            assertThat(issue.text("code")).isEqualTo("forbidden");
        });
    }

    @Test
    void everyRouteButThePublicOnesNeedsAKey() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            TenantFixture a = TenantFixture.create(api, infra.uniqueId("tenantA"));
            SoftAssertions soft = new SoftAssertions();
            List<Documented.Operation> operations = Documented.operations();

            for (Documented.Operation op : operations) {
                if (op.isPublic()) {
                    continue;
                }
                String body = op.bodyExamples().isEmpty() ? null : op.bodyExamples().get(0);
                Api.Reply reply = api.call(op.method(), op.path(values(a.tenantId(), a, "cmd_0123456789abcdef")),
                        null, body);
                soft.assertThat(reply.code()).as(op.toString()).isEqualTo(401);
                soft.assertThat(reply.body()).as(op.toString())
                        .isEqualTo("{\"code\":\"unauthorized\",\"message\":\"a valid API key is required\"}");
            }
            soft.assertAll();
            assertThat(operations.stream().filter(op -> !op.isPublic())).hasSizeGreaterThan(20);
        });
    }
}
