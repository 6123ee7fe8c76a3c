package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static com.booqing.whatsapp.ingress.TestIngress.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets a 4xx naming the field, and nothing is published: no command, so nothing half-written.
 * Paths use {t} (an initialised tenant), {ep} (its WAHA endpoint), {cloud} (its Cloud API endpoint), {dev}.
 * One ingress serves every case: none of them may change anything, which each case checks.
 */
@KafkaAndRedis
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidationIT {
    // Secrets of the valid bodies: audit canaries (issue 9), as no refusal may quote them.
    static final String V_WAHA_KEY = Canaries.text("ingress validation waha api key");
    static final String V_WAHA_HMAC = Canaries.text("ingress validation waha hmac key");
    static final String V_CLOUD_TOKEN = Canaries.text("ingress validation EAAG token");
    static final String V_APP_SECRET = Canaries.text("ingress validation app secret");
    static final String V_VERIFY = Canaries.text("ingress validation verify token");
    static final String V_EVO_KEY = Canaries.text("ingress validation evo api key");
    static final String V_EVO_JWT = Canaries.text("ingress validation evo jwt key");
    static final String WAHA = "\"provider\":\"waha\",\"apiUrl\":\"https://waha.example.com\",\"apiKey\":\"" + V_WAHA_KEY + "\","
            + "\"sessionName\":\"default\",\"hmacKey\":\"" + V_WAHA_HMAC + "\"";
    static final String CLOUD = "\"provider\":\"cloud-api\",\"phoneNumberId\":\"1234567890\","
            + "\"accessToken\":\"" + V_CLOUD_TOKEN + "\",\"appSecret\":\"" + V_APP_SECRET + "\",\"verifyToken\":\"" + V_VERIFY + "\"";
    static final String EVOLUTION = "\"provider\":\"evolution\",\"apiUrl\":\"https://evo.example.com\","
            + "\"apiKey\":\"" + V_EVO_KEY + "\",\"instanceName\":\"booqing\",\"webhookSecret\":\"" + V_EVO_JWT + "\"";

    final Infra infra;
    ManagementHarness h;
    Api api;
    TenantFixture t;
    String cloud;

    ValidationIT(Infra infra) {
        this.infra = infra;
    }

    @BeforeAll
    void start() {
        h = new ManagementHarness(infra);
        api = h.start();
        t = TenantFixture.create(api, infra.uniqueId("salon"));
        cloud = api.post("/api/whatsapp/endpoints/" + t.tenantId(), ADMIN_KEY, "{" + CLOUD + "}").text("id");
    }

    @AfterAll
    void close() {
        h.close();
    }

    static Stream<Arguments> badInputs() {
        String endpoints = "/api/whatsapp/endpoints/{t}";
        return Stream.of(
                // endpoints
                bad("unknown provider", "POST", endpoints, "{\"provider\":\"twilio\",\"apiUrl\":\"https://x.example.com\"}",
                        400, "invalid_field", "provider"),
                bad("missing provider", "POST", endpoints, "{\"apiUrl\":\"https://x.example.com\"}", 400,
                        "invalid_field", "provider"),
                bad("waha without hmacKey", "POST", endpoints, "{" + WAHA.replace(",\"hmacKey\":\"" + V_WAHA_HMAC + "\"", "")
                        + "}", 400, "invalid_field", "hmacKey"),
                bad("waha without apiUrl", "POST", endpoints,
                        "{" + WAHA.replace("\"apiUrl\":\"https://waha.example.com\",", "") + "}", 400, "invalid_field",
                        "apiUrl"),
                bad("waha without sessionName", "POST", endpoints,
                        "{" + WAHA.replace("\"sessionName\":\"default\",", "") + "}", 400, "invalid_field", "sessionName"),
                bad("waha with a Cloud API field", "POST", endpoints, "{" + WAHA + ",\"verifyToken\":\"abcdefgh\"}",
                        400, "invalid_field", "verifyToken"),
                bad("cloud-api without verifyToken", "POST", endpoints,
                        "{" + CLOUD.replace(",\"verifyToken\":\"" + V_VERIFY + "\"", "") + "}", 400, "invalid_field",
                        "verifyToken"),
                bad("cloud-api without accessToken", "POST", endpoints,
                        "{" + CLOUD.replace("\"accessToken\":\"" + V_CLOUD_TOKEN + "\",", "") + "}", 400, "invalid_field",
                        "accessToken"),
                bad("cloud-api without appSecret", "POST", endpoints,
                        "{" + CLOUD.replace("\"appSecret\":\"" + V_APP_SECRET + "\",", "") + "}", 400, "invalid_field",
                        "appSecret"),
                bad("cloud-api with letters in phoneNumberId", "POST", endpoints,
                        "{" + CLOUD.replace("1234567890", "12ab") + "}", 400, "invalid_field", "phoneNumberId"),
                bad("cloud-api with both appSecret and webhookSecret", "POST", endpoints,
                        "{" + CLOUD + ",\"webhookSecret\":\"other-secret-1\"}", 400, "invalid_field", "webhookSecret"),
                bad("evolution without webhookSecret", "POST", endpoints,
                        "{" + EVOLUTION.replace(",\"webhookSecret\":\"" + V_EVO_JWT + "\"", "") + "}", 400, "invalid_field",
                        "webhookSecret"),
                bad("evolution instance name with a path in it", "POST", endpoints,
                        "{" + EVOLUTION.replace("booqing", "../admin") + "}", 400, "invalid_field", "instanceName"),
                bad("secret too short", "POST", endpoints, "{" + WAHA.replace(V_WAHA_KEY, "short") + "}", 400,
                        "invalid_field", "apiKey"),
                bad("weight out of range", "POST", endpoints, "{" + WAHA + ",\"weight\":0}", 400, "invalid_field",
                        "weight"),
                bad("weight of the wrong type", "POST", endpoints, "{" + WAHA + ",\"weight\":\"heavy\"}", 400,
                        "invalid_json", "weight"),
                bad("unknown field", "POST", endpoints, "{" + WAHA + ",\"colour\":\"red\"}", 400, "invalid_json",
                        "colour"),
                bad("another tenant id in the body", "POST", endpoints, "{" + WAHA + ",\"tenantId\":\"someone-else\"}",
                        400, "invalid_field", "tenantId"),
                bad("not JSON", "POST", endpoints, "{\"provider\":", 400, "invalid_json", null),
                bad("empty body", "POST", endpoints, null, 400, "invalid_json", null),
                bad("endpoint on an uninitialised tenant", "POST", "/api/whatsapp/endpoints/nobody-here",
                        "{" + WAHA + "}", 404, "tenant_not_found", null),
                bad("changing the provider", "PUT", endpoints + "/{ep}", "{\"provider\":\"evolution\"}", 400,
                        "invalid_field", "provider"),
                bad("an update that changes nothing", "PUT", endpoints + "/{ep}", "{}", 400, "invalid_request", null),
                bad("updating an endpoint that does not exist", "PUT", endpoints + "/ep_nothing000000000",
                        "{\"name\":\"x\"}", 404, "endpoint_not_found", null),
                bad("a malformed endpoint id", "DELETE", endpoints + "/ep_..%2F..", null, 404, "endpoint_not_found",
                        null),
                // configuration and tenant ids
                bad("interval out of range", "PUT", "/api/whatsapp/config/{t}", "{\"reconnectInterval\":0}", 400,
                        "invalid_field", "reconnectInterval"),
                bad("endpoints in a configuration", "PUT", "/api/whatsapp/config/{t}", "{\"endpoints\":[]}", 400,
                        "invalid_json", "endpoints"),
                bad("primary that is not an endpoint id", "PUT", "/api/whatsapp/config/{t}",
                        "{\"primaryEndpointId\":\"dev_x\"}", 400, "invalid_field", "primaryEndpointId"),
                bad("configuration of an uninitialised tenant", "PUT", "/api/whatsapp/config/nobody-here",
                        "{\"webhookRetries\":1}", 404, "tenant_not_found", null),
                bad("tenant id with *", "POST", "/api/whatsapp/config/bad*tenant", "{}", 400, "invalid_tenant_id",
                        "tenantId"),
                bad("tenant id with :", "POST", "/api/whatsapp/config/bad:tenant", "{}", 400, "invalid_tenant_id",
                        "tenantId"),
                bad("tenant id with {", "POST", "/api/whatsapp/config/bad%7Btenant", "{}", 400, "invalid_tenant_id",
                        "tenantId"),
                bad("tenant id with ..", "POST", "/api/whatsapp/config/bad..tenant", "{}", 400, "invalid_tenant_id",
                        "tenantId"),
                bad("tenant id that looks like a device id", "POST", "/api/whatsapp/config/dev_tenant", "{}", 400,
                        "invalid_tenant_id", "tenantId"),
                bad("configuration as a form", "PUT", "/api/whatsapp/config/{t}", "FORM", 415,
                        "unsupported_media_type", null),
                // devices
                bad("device without a name", "POST", "/api/whatsapp/devices/{t}", "{\"endpointId\":\"{ep}\"}", 400,
                        "invalid_field", "deviceName"),
                bad("device on an unknown endpoint", "POST", "/api/whatsapp/devices/{t}",
                        "{\"endpointId\":\"ep_nothing000000000\",\"deviceName\":\"x\"}", 404, "endpoint_not_found",
                        "endpointId"),
                bad("device on a Cloud API endpoint", "POST", "/api/whatsapp/devices/{t}",
                        "{\"endpointId\":\"{cloud}\",\"deviceName\":\"x\"}", 422, "pairing_not_supported", "endpointId"),
                bad("device with a bad phone number", "POST", "/api/whatsapp/devices/{t}",
                        "{\"endpointId\":\"{ep}\",\"deviceName\":\"x\",\"phoneNumber\":\"call me\"}", 400,
                        "invalid_field", "phoneNumber"),
                bad("device with a number not in E.164 form", "POST", "/api/whatsapp/devices/{t}",
                        "{\"endpointId\":\"{ep}\",\"deviceName\":\"x\",\"phoneNumber\":\"31612345678\"}", 400,
                        "invalid_field", "phoneNumber"),
                bad("weight over the limit", "POST", endpoints, "{" + WAHA + ",\"weight\":1001}", 400,
                        "invalid_field", "weight"),
                bad("moving a device", "PUT", "/api/whatsapp/devices/{dev}", "{\"endpointId\":\"{cloud}\"}", 400,
                        "invalid_field", "endpointId"),
                bad("unknown device action", "POST", "/api/whatsapp/devices/{dev}?action=reboot", null, 400,
                        "invalid_field", "action"),
                bad("device action without action", "POST", "/api/whatsapp/devices/{dev}", null, 400, "invalid_field",
                        "action"),
                bad("connect with a bad phone number", "POST", "/api/whatsapp/devices/{dev}?action=connect",
                        "{\"phoneNumber\":\"12\"}", 400, "invalid_field", "phoneNumber"),
                bad("a tenant id where a device id belongs", "DELETE", "/api/whatsapp/devices/{t}", null, 404,
                        "device_not_found", null),
                bad("a malformed command id", "GET", "/api/whatsapp/commands/{t}/cmd_*", null, 404,
                        "command_not_found", null));
    }

    static Arguments bad(String name, String method, String path, String body, int status, String code, String field) {
        return Arguments.of(name, method, path, body, status, code, field);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsRefusedNamingTheFieldAndNothingIsWritten(String name, String method, String path, String body,
                                                            int status, String code, String field) {
        {
            int commands = h.processor.commands.size();
            int deviceCommands = h.processor.deviceCommands.size();
            String p = fill(path, t, cloud);

            Api.Reply reply = "FORM".equals(body) ? form(api, method, p)
                    : api.call(method, p, ADMIN_KEY, body == null ? null : fill(body, t, cloud));

            assertThat(reply.code()).as(reply.toString()).isEqualTo(status);
            assertThat(reply.text("code")).as(reply.toString()).isEqualTo(code);
            assertThat(reply.text("field")).as(reply.toString()).isEqualTo(field);
            assertThat(h.processor.commands).hasSize(commands);
            assertThat(h.processor.deviceCommands).hasSize(deviceCommands);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1:3000", "http://localhost/", "http://2130706433/", "http://0177.0.0.1/",
            "http://0x7f.1/", "http://127.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/",
            "http://[fc00::1]/", "http://10.0.0.5/", "http://192.168.1.10/", "http://172.16.0.1/",
            "http://169.254.169.254/latest/meta-data", "http://metadata.google.internal/", "http://100.64.0.1/",
            "http://0.0.0.0/", "http://224.0.0.1/", "ftp://waha.example.com/", "file:///etc/passwd",
            "http://user:pass@waha.example.com/", "https://waha.example.com/#x", "not a url", "https://"})
    void endpointUrlsThatCouldReachInsideAreRefused(String url) {
        {
            int commands = h.processor.commands.size();

            Api.Reply create = api.post("/api/whatsapp/endpoints/" + t.tenantId(), ADMIN_KEY,
                    "{" + WAHA.replace("https://waha.example.com", url) + "}");
            Api.Reply update = api.put("/api/whatsapp/endpoints/" + t.tenantId() + "/" + t.endpointId(), ADMIN_KEY,
                    "{\"apiUrl\":\"" + url + "\"}");

            for (Api.Reply reply : new Api.Reply[]{create, update}) {
                assertThat(reply.code()).as(reply.toString()).isEqualTo(400);
                assertThat(reply.text("code")).isEqualTo("invalid_field");
                assertThat(reply.text("field")).isEqualTo("apiUrl");
            }
            assertThat(h.processor.commands).hasSize(commands);
        }
    }

    private static String fill(String s, TenantFixture t, String cloud) {
        return s.replace("{t}", t.tenantId()).replace("{ep}", t.endpointId()).replace("{dev}", t.deviceId())
                .replace("{cloud}", cloud);
    }

    private static Api.Reply form(Api api, String method, String path) {
        return api.callWithContentType(method, path, ADMIN_KEY, "webhookRetries=1",
                "application/x-www-form-urlencoded");
    }
}
