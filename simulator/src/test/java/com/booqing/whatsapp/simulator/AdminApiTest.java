package com.booqing.whatsapp.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AdminApiTest {

    private WebhookReceiver receiver;
    private Simulator simulator;
    private String admin;

    @BeforeEach
    void start() {
        receiver = new WebhookReceiver();
        simulator = new Simulator(SimulatorConfig.defaults()).start(0);
        admin = simulator.adminUrl() + "/_admin";
    }

    @AfterEach
    void stop() {
        simulator.close();
        receiver.close();
    }

    @Test
    void answersHealth() throws Exception {
        HttpResponse<String> response = Http.send("GET", admin + "/health", null, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Http.json(response).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void registersACloudApiEndpointThatServesSends() throws Exception {
        JsonNode registered = register("ep-1", receiver.url(), false);

        assertThat(registered.path("id").asText()).isEqualTo("ep-1");
        assertThat(registered.path("provider").asText()).isEqualTo("cloud-api");
        String apiUrl = registered.path("apiUrl").asText();
        assertThat(apiUrl).matches("http://127\\.0\\.0\\.1:\\d+");
        HttpResponse<String> send = Http.send("POST", apiUrl + "/v23.0/555/messages", "tok",
                CloudApiSendTest.textSend());
        assertThat(send.statusCode()).isEqualTo(200);

        JsonNode info = Http.json(Http.send("GET", admin + "/endpoints/ep-1", null, null));
        assertThat(info.path("apiUrl").asText()).isEqualTo(apiUrl);
        assertThat(info.path("recordedRequests").asInt()).isEqualTo(1);
        assertThat(info.at("/settings/phoneNumberId").asText()).isEqualTo("555");
        assertThat(info.toString()).doesNotContain("tok\"").doesNotContain("shh");
    }

    @Test
    void reRegisteringKeepsThePort() throws Exception {
        String first = register("ep-1", null, true).path("apiUrl").asText();
        String second = register("ep-1", receiver.url(), true).path("apiUrl").asText();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void setsFaultsOverHttp() throws Exception {
        String apiUrl = register("ep-1", null, false).path("apiUrl").asText();

        HttpResponse<String> set = Http.send("PUT", admin + "/endpoints/ep-1/fault", null,
                "{\"mode\":\"rate-limit\",\"retryAfterSeconds\":3}");
        HttpResponse<String> limited = Http.send("POST", apiUrl + "/v23.0/555/messages", "tok",
                CloudApiSendTest.textSend());
        Http.send("PUT", admin + "/endpoints/ep-1/fault", null, "{\"mode\":\"dark\"}");

        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("3");
        assertThatThrownBy(() -> Http.send("GET", apiUrl + "/v23.0/555", "tok", null))
                .isInstanceOf(ConnectException.class);

        Http.send("PUT", admin + "/endpoints/ep-1/fault", null, "{\"mode\":\"none\"}");
        assertThat(Http.send("GET", apiUrl + "/v23.0/555", "tok", null).statusCode()).isEqualTo(200);
    }

    @Test
    void setsAPartialFaultOverHttpAndShowsWhichRequestsItHit() throws Exception {
        String apiUrl = register("ep-1", null, false).path("apiUrl").asText();

        HttpResponse<String> set = Http.send("PUT", admin + "/endpoints/ep-1/fault", null,
                "{\"mode\":\"fail\",\"status\":503,\"percent\":50}");
        int first = Http.send("POST", apiUrl + "/v23.0/555/messages", "tok", CloudApiSendTest.textSend()).statusCode();
        int second = Http.send("POST", apiUrl + "/v23.0/555/messages", "tok", CloudApiSendTest.textSend()).statusCode();

        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(Http.json(set).path("percent").asInt()).isEqualTo(50);
        assertThat(List.of(first, second)).containsExactly(200, 503);
        JsonNode requests = Http.json(Http.send("GET", admin + "/endpoints/ep-1/requests", null, null));
        assertThat(requests.get(0).path("fault").asText()).isEqualTo("none");
        assertThat(requests.get(1).path("fault").asText()).isEqualTo("fail");
        assertThat(Http.send("PUT", admin + "/endpoints/ep-1/fault", null, "{\"mode\":\"dark\",\"percent\":50}")
                .statusCode()).isEqualTo(400);
    }

    @Test
    void listsAndClearsRecordedRequests() throws Exception {
        String apiUrl = register("ep-1", null, false).path("apiUrl").asText();
        Http.send("POST", apiUrl + "/v23.0/555/messages", "tok", CloudApiSendTest.textSend());

        JsonNode requests = Http.json(Http.send("GET", admin + "/endpoints/ep-1/requests", null, null));
        HttpResponse<String> cleared = Http.send("DELETE", admin + "/endpoints/ep-1/requests", null, null);

        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).path("method").asText()).isEqualTo("POST");
        assertThat(requests.get(0).path("body").asText()).isEqualTo(CloudApiSendTest.textSend());
        assertThat(requests.get(0).path("headers").has("Authorization")).isFalse();
        assertThat(cleared.statusCode()).isEqualTo(204);
        assertThat(Http.json(Http.send("GET", admin + "/endpoints/ep-1/requests", null, null))).isEmpty();
    }

    @Test
    void postsInboundAndReceiptWebhooksOnDemand() throws Exception {
        register("ep-1", receiver.url(), false);

        JsonNode inbound = Http.json(Http.send("POST", admin + "/endpoints/ep-1/inbound", null,
                "{\"from\":\"15551234567\",\"text\":\"hi\",\"name\":\"Alice\"}"));
        JsonNode receipt = Http.json(Http.send("POST", admin + "/endpoints/ep-1/receipts", null,
                "{\"wamid\":\"wamid.x\",\"status\":\"delivered\",\"recipientId\":\"15551234567\"}"));

        assertThat(inbound.path("status").asInt()).isEqualTo(200);
        assertThat(inbound.path("wamid").asText()).startsWith("wamid.");
        assertThat(receipt.path("status").asInt()).isEqualTo(200);
        assertThat(receiver.received()).hasSize(2);
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(
                Http.json(Http.send("GET", admin + "/endpoints/ep-1/webhooks", null, null))).hasSize(2));
    }

    @Test
    void answersErrorsAsJson() throws Exception {
        HttpResponse<String> unknown = Http.send("GET", admin + "/endpoints/nope", null, null);
        HttpResponse<String> badProvider = Http.send("PUT", admin + "/endpoints/ep-2", null,
                "{\"provider\":\"twilio\",\"phoneNumberId\":\"1\",\"accessToken\":\"t\",\"appSecret\":\"s\"}");
        HttpResponse<String> wahaWithoutSession = Http.send("PUT", admin + "/endpoints/ep-2", null,
                "{\"provider\":\"waha\",\"apiKey\":\"k\"}");
        HttpResponse<String> missingToken = Http.send("PUT", admin + "/endpoints/ep-2", null,
                "{\"provider\":\"cloud-api\",\"phoneNumberId\":\"1\",\"appSecret\":\"s\"}");
        HttpResponse<String> badFault = Http.send("PUT", admin + "/endpoints/nope/fault", null, "{\"mode\":\"x\"}");
        HttpResponse<String> noRoute = Http.send("GET", admin + "/nothing", null, null);
        HttpResponse<String> notJson = Http.send("POST", admin + "/endpoints/ep-2/inbound", null, "text");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Http.json(unknown).path("code").asText()).isEqualTo("not_found");
        assertThat(badProvider.statusCode()).isEqualTo(400);
        assertThat(Http.json(badProvider).path("message").asText()).contains("'waha'", "'evolution'");
        assertThat(Http.json(wahaWithoutSession).path("message").asText()).contains("sessionName");
        assertThat(Http.json(missingToken).path("message").asText()).contains("accessToken");
        assertThat(badFault.statusCode()).isEqualTo(400);
        assertThat(noRoute.statusCode()).isEqualTo(404);
        assertThat(Http.json(noRoute).path("code").asText()).isEqualTo("not_found");
        assertThat(notJson.statusCode()).isEqualTo(400);
    }

    @Test
    void registersAWahaEndpointAndDrivesItsSession() throws Exception {
        HttpResponse<String> registered = Http.send("PUT", admin + "/endpoints/waha-1", null, "{\"provider\":\"waha\","
                + "\"sessionName\":\"default\",\"apiKey\":\"waha-key\",\"hmacKey\":\"hmac-secret\",\"paired\":false,"
                + "\"webhookUrl\":\"" + receiver.url() + "\"}");
        String apiUrl = Http.json(registered).path("apiUrl").asText();

        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(Http.json(registered).path("provider").asText()).isEqualTo("waha");
        assertThat(Http.json(Http.send("GET", admin + "/endpoints/waha-1/session", null, null)).path("status")
                .asText()).isEqualTo("STOPPED");
        Http.call("POST", apiUrl + "/api/sessions/default/start", java.util.Map.of("X-Api-Key", "waha-key"), null);
        await().atMost(Duration.ofSeconds(5)).until(() -> simulator.sessionStatus("waha-1").equals("SCAN_QR_CODE"));
        JsonNode scanned = Http.json(Http.send("POST", admin + "/endpoints/waha-1/scan", null, null));
        assertThat(scanned.path("status").asText()).isEqualTo("WORKING");
        HttpResponse<String> rescan = Http.send("POST", admin + "/endpoints/waha-1/scan", null, null);
        assertThat(rescan.statusCode()).isEqualTo(409);

        JsonNode inbound = Http.json(Http.send("POST", admin + "/endpoints/waha-1/inbound", null,
                "{\"lid\":\"123123123\",\"from\":\"15551234567\",\"text\":\"hi\"}"));
        assertThat(inbound.path("status").asInt()).isEqualTo(200);
        assertThat(inbound.path("wamid").asText()).startsWith("false_123123123@lid_");
        JsonNode info = Http.json(Http.send("GET", admin + "/endpoints/waha-1", null, null));
        assertThat(info.at("/settings/status").asText()).isEqualTo("WORKING");
        assertThat(info.toString()).doesNotContain("waha-key").doesNotContain("hmac-secret");
    }

    @Test
    void registersAnEvolutionEndpointWithItsOptions() throws Exception {
        HttpResponse<String> registered = Http.send("PUT", admin + "/endpoints/evo-1", null,
                "{\"provider\":\"evolution\",\"instanceName\":\"booqing\",\"apiKey\":\"evo-key\","
                        + "\"jwtKey\":\"jwt-secret\",\"byEvents\":true,\"events\":[\"MESSAGES_UPSERT\"],"
                        + "\"webhookUrl\":\"" + receiver.url() + "\"}");
        HttpResponse<String> badEvent = Http.send("PUT", admin + "/endpoints/evo-2", null,
                "{\"provider\":\"evolution\",\"instanceName\":\"x\",\"apiKey\":\"k\",\"events\":[\"NOPE\"]}");

        assertThat(registered.statusCode()).isEqualTo(200);
        assertThat(Http.json(Http.send("GET", admin + "/endpoints/evo-1/session", null, null)).path("status")
                .asText()).isEqualTo("open");
        Http.send("POST", admin + "/endpoints/evo-1/inbound", null, "{\"from\":\"5511988887777\",\"text\":\"oi\"}");
        assertThat(receiver.received()).extracting(WebhookReceiver.Received::path)
                .containsExactly("/webhook/messages-upsert");
        assertThat(receiver.received().get(0).headers().get("Authorization")).startsWith("Bearer ");
        JsonNode info = Http.json(Http.send("GET", admin + "/endpoints/evo-1", null, null));
        assertThat(info.at("/settings/jwt").asBoolean()).isTrue();
        assertThat(info.toString()).doesNotContain("evo-key").doesNotContain("jwt-secret");
        assertThat(badEvent.statusCode()).isEqualTo(400);
        HttpResponse<String> cloudScan = Http.send("POST", admin + "/endpoints/evo-1/scan", null, null);
        assertThat(cloudScan.statusCode()).isEqualTo(409);
    }

    private JsonNode register(String id, String webhookUrl, boolean receipts) throws Exception {
        String body = "{\"provider\":\"cloud-api\",\"phoneNumberId\":\"555\",\"accessToken\":\"tok\","
                + "\"appSecret\":\"shh\",\"receipts\":" + receipts
                + (webhookUrl == null ? "" : ",\"webhookUrl\":\"" + webhookUrl + "\"") + "}";
        HttpResponse<String> response = Http.send("PUT", admin + "/endpoints/" + id, null, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response);
    }
}
