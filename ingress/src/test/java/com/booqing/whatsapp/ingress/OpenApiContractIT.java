package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.booqing.whatsapp.ingress.TestIngress.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of openapi.yaml, called on the running ingress with the document's own examples (every
 * example body, every value of an enumerated query parameter, both forms of /devices/{id}): each answer's
 * status is one the document lists for that operation, with a documented content type.
 */
@KafkaAndRedis
class OpenApiContractIT {
    final Infra infra;
    ManagementHarness h;

    OpenApiContractIT(Infra infra) {
        this.infra = infra;
    }

    @AfterEach
    void close() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void everyDocumentedRouteAnswersAsDocumented() {
        h = new ManagementHarness(infra);
        h.run(api -> {
            TenantFixture t = TenantFixture.create(api, infra.uniqueId("salon"));
            String commandId = h.processor.commands.stream().map(ManagementCommand::commandId).reduce((a, b) -> b)
                    .orElseThrow();
            Map<String, List<String>> values = new HashMap<>();
            // A second tenant, not initialised: its routes answer 404 until the loop initialises it.
            values.put("tenantId", List.of(t.tenantId(), infra.uniqueId("fresh")));
            values.put("endpointId", List.of(t.endpointId()));
            values.put("id", List.of(t.tenantId(), t.deviceId()));
            values.put("commandId", List.of(commandId));
            values.put("keyId", List.of(t.keyId()));
            values.put("messageId", List.of("msg_0123456789abcdef"));
            values.put("phone", List.of("31612345678"));
            values.put("event", List.of("messages-upsert"));

            List<Documented.Operation> operations = new ArrayList<>(Documented.operations());
            // Deletions last (devices before endpoints), so that every other operation finds what it needs.
            operations.sort(Comparator.comparingInt((Documented.Operation op) -> op.method().equals("DELETE") ? 1 : 0)
                    .thenComparing(op -> op.path().contains("/endpoints/") ? 1 : 0));
            SoftAssertions soft = new SoftAssertions();
            int calls = 0;
            for (Documented.Operation op : operations) {
                for (Map<String, String> pathValues : combinations(op.pathParams(), values)) {
                    for (String query : queries(op)) {
                        List<String> bodies = op.bodyExamples().isEmpty() ? java.util.Collections.singletonList(null)
                                : op.bodyExamples();
                        for (String body : bodies) {
                            String path = op.path(pathValues) + query;
                            Api.Reply reply = op.streams() ? api.stream(path, ADMIN_KEY)
                                    : api.call(op.method(), path, op.isPublic() ? null : ADMIN_KEY, body);
                            calls++;
                            String what = op + " as " + path + (body == null ? "" : " with " + body) + " -> " + reply;
                            soft.assertThat(op.statuses()).as(what).contains(reply.code());
                            soft.assertThat(documentedContentTypes(op, reply.code())).as(what)
                                    .anySatisfy(type -> assertThat(contentType(reply)).startsWith(type));
                        }
                    }
                }
            }
            soft.assertAll();
            assertThat(calls).isGreaterThan(operations.size());
        });
    }

    private static List<Map<String, String>> combinations(List<String> names, Map<String, List<String>> values) {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new HashMap<>());
        for (String name : names) {
            List<String> options = values.get(name);
            if (options == null) {
                throw new AssertionError("no test value for path parameter " + name);
            }
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : out) {
                for (String option : options) {
                    Map<String, String> m = new HashMap<>(partial);
                    m.put(name, option);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }

    /** Every value of an enumerated action (and none, when it is optional); the handshake's example values. */
    private static List<String> queries(Documented.Operation op) {
        List<String> out = new ArrayList<>();
        List<String> actions = op.queryEnum("action");
        for (String action : actions) {
            out.add("?action=" + action);
        }
        if (actions.isEmpty() || !requiredAction(op)) {
            out.add("");
        }
        if (op.path().startsWith("/api/whatsapp/webhook/") && op.method().equals("GET")) {
            out.add("?hub.mode=subscribe&hub.verify_token=my-verify-token&hub.challenge=1158201444");
        }
        return out;
    }

    private static boolean requiredAction(Documented.Operation op) {
        for (JsonNode p : op.spec().path("parameters")) {
            if ("action".equals(p.path("name").asText())) {
                return p.path("required").asBoolean(false);
            }
        }
        return false;
    }

    private static List<String> documentedContentTypes(Documented.Operation op, int status) {
        JsonNode response = op.spec().path("responses").path(Integer.toString(status));
        if (response.has("$ref")) {
            String name = response.get("$ref").asText().replace("#/components/responses/", "");
            response = op.document().path("components").path("responses").path(name);
        }
        List<String> types = new ArrayList<>();
        response.path("content").fieldNames().forEachRemaining(types::add);
        return types;
    }

    private static String contentType(Api.Reply reply) {
        List<String> values = reply.headers().get("Content-Type");
        return values == null || values.isEmpty() ? "" : values.get(0);
    }
}
