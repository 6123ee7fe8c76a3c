package com.booqing.whatsapp.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CloudApiSendTest {

    private static final String TOKEN = "EAAG-test-token";
    private static final String PHONE_ID = "106540352242922";

    private Simulator simulator;
    private String messagesUrl;

    @BeforeEach
    void start() {
        simulator = new Simulator(SimulatorConfig.defaults()).start(0);
        SimEndpoint endpoint = simulator.registerCloudApi("ep-1", PHONE_ID, TOKEN, "app-secret", null);
        messagesUrl = endpoint.apiUrl() + "/v23.0/" + PHONE_ID + "/messages";
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void acceptsValidCloudApiTextSend() throws Exception {
        HttpResponse<String> response = Http.send("POST", messagesUrl, TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\"+1 555 123 4567\","
                        + "\"type\":\"text\",\"text\":{\"body\":\"hello\",\"preview_url\":false}}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Http.json(response);
        assertThat(body.path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(body.path("contacts").get(0).path("input").asText()).isEqualTo("+1 555 123 4567");
        assertThat(body.path("contacts").get(0).path("wa_id").asText()).isEqualTo("15551234567");
        assertThat(body.path("messages").get(0).path("id").asText()).matches("wamid\\.[A-Za-z0-9+/=]{20,}");
    }

    @Test
    void eachSendGetsItsOwnWamid() throws Exception {
        String send = "{\"messaging_product\":\"whatsapp\",\"to\":\"15551234567\",\"text\":{\"body\":\"hi\"}}";
        String first = Http.json(Http.send("POST", messagesUrl, TOKEN, send)).at("/messages/0/id").asText();
        String second = Http.json(Http.send("POST", messagesUrl, TOKEN, send)).at("/messages/0/id").asText();

        assertThat(first).startsWith("wamid.").isNotEqualTo(second);
    }

    @Test
    void rejectsSendWithWrongToken() throws Exception {
        HttpResponse<String> wrong = Http.send("POST", messagesUrl, "not-the-token", textSend());
        HttpResponse<String> missing = Http.send("POST", messagesUrl, null, textSend());

        for (HttpResponse<String> response : List.of(wrong, missing)) {
            assertThat(response.statusCode()).isEqualTo(401);
            JsonNode error = Http.json(response).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(190);
            assertThat(error.path("type").asText()).isEqualTo("OAuthException");
            assertThat(error.path("fbtrace_id").asText()).isNotBlank();
        }
    }

    @Test
    void rejectsMalformedBody() throws Exception {
        HttpResponse<String> notJson = Http.send("POST", messagesUrl, TOKEN, "{not json");
        HttpResponse<String> noProduct = Http.send("POST", messagesUrl, TOKEN,
                "{\"to\":\"15551234567\",\"type\":\"text\",\"text\":{\"body\":\"x\"}}");
        HttpResponse<String> noBody = Http.send("POST", messagesUrl, TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15551234567\",\"type\":\"text\",\"text\":{}}");
        HttpResponse<String> badType = Http.send("POST", messagesUrl, TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15551234567\",\"type\":\"fax\",\"fax\":{}}");

        for (HttpResponse<String> response : List.of(notJson, noProduct, noBody, badType)) {
            assertThat(response.statusCode()).isEqualTo(400);
            JsonNode error = Http.json(response).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(100);
            assertThat(error.path("message").asText()).startsWith("(#100) ");
        }
        assertThat(Http.json(noBody).at("/error/message").asText()).contains("text['body']");
    }

    @Test
    void rejectsMediaWithoutLinkOrIdAndTemplateWithoutLanguage() throws Exception {
        HttpResponse<String> media = Http.send("POST", messagesUrl, TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15551234567\",\"type\":\"image\",\"image\":{\"caption\":\"c\"}}");
        HttpResponse<String> template = Http.send("POST", messagesUrl, TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15551234567\",\"type\":\"template\","
                        + "\"template\":{\"name\":\"hello_world\"}}");
        HttpResponse<String> location = Http.send("POST", messagesUrl, TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"15551234567\",\"type\":\"location\","
                        + "\"location\":{\"latitude\":\"north\",\"longitude\":4.9}}");

        assertThat(media.statusCode()).isEqualTo(400);
        assertThat(Http.json(media).at("/error/code").asInt()).isEqualTo(131008);
        assertThat(Http.json(template).at("/error/code").asInt()).isEqualTo(131008);
        assertThat(Http.json(template).at("/error/error_data/details").asText()).contains("language.code");
        assertThat(Http.json(location).at("/error/code").asInt()).isEqualTo(131009);
    }

    @Test
    void acceptsEveryDocumentedMessageType() throws Exception {
        List<String> contents = List.of(
                "\"type\":\"image\",\"image\":{\"link\":\"https://example.org/a.jpg\",\"caption\":\"c\"}",
                "\"type\":\"document\",\"document\":{\"id\":\"1234\",\"filename\":\"a.pdf\"}",
                "\"type\":\"location\",\"location\":{\"latitude\":52.37,\"longitude\":4.89,\"name\":\"A\"}",
                "\"type\":\"reaction\",\"reaction\":{\"message_id\":\"wamid.abc\",\"emoji\":\"\\ud83d\\udc4d\"}",
                "\"type\":\"contacts\",\"contacts\":[{\"name\":{\"formatted_name\":\"Bob\"}}]",
                "\"type\":\"interactive\",\"interactive\":{\"type\":\"button\",\"body\":{\"text\":\"Pick\"},"
                        + "\"action\":{\"buttons\":[{\"type\":\"reply\",\"reply\":{\"id\":\"y\",\"title\":\"Yes\"}}]}}",
                "\"type\":\"interactive\",\"interactive\":{\"type\":\"list\",\"body\":{\"text\":\"Pick\"},"
                        + "\"action\":{\"button\":\"Open\",\"sections\":[{\"title\":\"S\","
                        + "\"rows\":[{\"id\":\"r1\",\"title\":\"Row\"}]}]}}",
                "\"type\":\"template\",\"template\":{\"name\":\"hello_world\",\"language\":{\"code\":\"en_US\"}}");

        for (String content : contents) {
            HttpResponse<String> response = Http.send("POST", messagesUrl, TOKEN,
                    "{\"messaging_product\":\"whatsapp\",\"to\":\"15551234567\"," + content + "}");
            assertThat(response.statusCode()).as(content).isEqualTo(200);
        }
    }

    @Test
    void rejectsUnknownPhoneNumberId() throws Exception {
        String otherUrl = messagesUrl.replace(PHONE_ID, "999");

        HttpResponse<String> response = Http.send("POST", otherUrl, TOKEN, textSend());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.json(response).at("/error/code").asInt()).isEqualTo(100);
        assertThat(Http.json(response).at("/error/error_subcode").asInt()).isEqualTo(33);
    }

    @Test
    void answersHealthProbeForThePhoneNumber() throws Exception {
        String url = simulator.endpoint("ep-1").apiUrl() + "/v23.0/" + PHONE_ID;

        JsonNode number = Http.json(Http.send("GET", url, TOKEN, null));
        JsonNode selected = Http.json(Http.send("GET", url + "?fields=quality_rating,status", TOKEN, null));

        assertThat(number.path("id").asText()).isEqualTo(PHONE_ID);
        assertThat(number.path("quality_rating").asText()).isEqualTo("GREEN");
        assertThat(number.path("status").asText()).isEqualTo("CONNECTED");
        assertThat(number.at("/throughput/level").asText()).isEqualTo("STANDARD");
        assertThat(number.has("verified_name")).isTrue();
        assertThat(selected.size()).isEqualTo(3);
        assertThat(Http.send("GET", url, "wrong", null).statusCode()).isEqualTo(401);
    }

    @Test
    void recordsRequestsWithoutAuthorizationHeader() throws Exception {
        Http.send("POST", messagesUrl + "?debug=1", TOKEN, textSend());

        List<RecordedRequest> requests = simulator.requests("ep-1");

        assertThat(requests).hasSize(1);
        RecordedRequest request = requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v23.0/" + PHONE_ID + "/messages");
        assertThat(request.query()).isEqualTo("debug=1");
        assertThat(request.body()).isEqualTo(textSend());
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.headers().keySet()).noneMatch(name -> name.equalsIgnoreCase("Authorization"));
        assertThat(request.headers().values()).noneMatch(value -> value.contains(TOKEN));

        simulator.clearRequests("ep-1");
        assertThat(simulator.requests("ep-1")).isEmpty();
    }

    @Test
    void keepsOnlyTheNewestRequestsWhenTheLogIsFull() throws Exception {
        simulator.close();
        simulator = new Simulator(SimulatorConfig.defaults().withRequestLogCapacity(3)).start(0);
        SimEndpoint endpoint = simulator.registerCloudApi("ep-1", PHONE_ID, TOKEN, "app-secret", null);
        for (int i = 0; i < 5; i++) {
            Http.send("GET", endpoint.apiUrl() + "/v23.0/" + PHONE_ID + "?n=" + i, TOKEN, null);
        }

        assertThat(simulator.requests("ep-1")).extracting(RecordedRequest::query)
                .containsExactly("n=2", "n=3", "n=4");
    }

    static String textSend() {
        return "{\"messaging_product\":\"whatsapp\",\"to\":\"15551234567\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}";
    }
}
