package com.booqing.whatsapp.simulator;

import com.booqing.whatsapp.simulator.evolution.EvolutionSettings;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Request bodies follow Evolution's docs and src/validate/message.schema.ts (release 2.3.6). */
class EvolutionApiTest {

    private static final String KEY = "evolution-global-key";
    private static final Map<String, String> AUTH = Map.of("apikey", KEY);

    private Simulator simulator;
    private String base;

    @BeforeEach
    void start() {
        simulator = new Simulator(SimulatorConfig.defaults().withPairing(PairingTimings.fast())).start(0);
        base = simulator.registerEvolution("evo-1", "booqing", KEY, null, null).apiUrl();
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void sendsTextAndAnswers201WithThePreparedMessage() throws Exception {
        HttpResponse<String> response = post("/message/sendText/booqing",
                "{\"number\":\"+1 (555) 123-4567\",\"text\":\"hello\",\"delay\":1200,\"linkPreview\":false}");

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode message = Http.json(response);
        assertThat(message.at("/key/remoteJid").asText()).isEqualTo("15551234567@s.whatsapp.net");
        assertThat(message.at("/key/fromMe").asBoolean()).isTrue();
        assertThat(message.at("/key/id").asText()).matches("BAE5[0-9A-F]{12}");
        assertThat(message.at("/message/conversation").asText()).isEqualTo("hello");
        assertThat(message.path("messageType").asText()).isEqualTo("conversation");
        assertThat(message.path("status").asText()).isEqualTo("PENDING");
        assertThat(message.path("messageTimestamp").isNumber()).isTrue();
        assertThat(message.path("instanceId").asText()).isNotBlank();
    }

    @Test
    void acceptsEveryDocumentedSendBody() throws Exception {
        Map<String, String> sends = Map.of(
                "sendMedia", "{\"number\":\"5511999999999\",\"mediatype\":\"image\",\"mimetype\":\"image/png\","
                        + "\"caption\":\"Teste\",\"media\":\"https://example.com/logo.png\",\"fileName\":\"logo.png\"}",
                "sendLocation", "{\"number\":\"5511999999999\",\"name\":\"Bora Bora\",\"address\":\"French Polynesia\","
                        + "\"latitude\":-16.505538233564373,\"longitude\":-151.7422770494996}",
                "sendReaction", "{\"key\":{\"remoteJid\":\"5511999999999@s.whatsapp.net\",\"fromMe\":true,"
                        + "\"id\":\"BAE594145F4C59B4\"},\"reaction\":\"\uD83D\uDE80\"}",
                "sendButtons", "{\"number\":\"5511999999999\",\"title\":\"Title\",\"description\":\"Description\","
                        + "\"footer\":\"Footer\",\"buttons\":[{\"type\":\"reply\",\"displayText\":\"Yes\",\"id\":\"1\"},"
                        + "{\"type\":\"reply\",\"displayText\":\"No\",\"id\":\"2\"}]}",
                "sendList", "{\"number\":\"5511999999999\",\"title\":\"List Title\",\"description\":\"List desc\","
                        + "\"buttonText\":\"Click Here\",\"footerText\":\"footer\",\"sections\":[{\"title\":\"Row tilte\","
                        + "\"rows\":[{\"title\":\"Title\",\"description\":\"Description\",\"rowId\":\"rowId001\"}]}]}",
                "sendContact", "{\"number\":\"5511999999999\",\"contact\":[{\"fullName\":\"Contact Name\","
                        + "\"wuid\":\"559999999999\",\"phoneNumber\":\"+55 99 9 9999-9999\",\"organization\":"
                        + "\"Company Name\",\"email\":\"email\",\"url\":\"url page\"}]}");

        for (Map.Entry<String, String> send : sends.entrySet()) {
            HttpResponse<String> response = post("/message/" + send.getKey() + "/booqing", send.getValue());
            assertThat(response.statusCode()).as(send.getKey() + " " + response.body()).isEqualTo(201);
        }
        JsonNode contact = Http.json(post("/message/sendContact/booqing", sends.get("sendContact")));
        assertThat(contact.at("/message/contactMessage/vcard").asText()).contains("item1.TEL;waid=559999999999:");
        JsonNode media = Http.json(post("/message/sendMedia/booqing", sends.get("sendMedia")));
        assertThat(media.path("messageType").asText()).isEqualTo("imageMessage");
    }

    @Test
    void rejectsSchemaViolationsWithEvolutionsMessages() throws Exception {
        HttpResponse<String> noText = post("/message/sendText/booqing", "{\"number\":\"5511999999999\"}");
        HttpResponse<String> numericNumber = post("/message/sendText/booqing", "{\"number\":5511,\"text\":\"hi\"}");
        HttpResponse<String> blankText = post("/message/sendText/booqing",
                "{\"number\":\"5511999999999\",\"text\":\"  \"}");
        HttpResponse<String> badMediaType = post("/message/sendMedia/booqing",
                "{\"number\":\"5511999999999\",\"mediatype\":\"sticker\",\"media\":\"https://x.io/a.png\"}");
        HttpResponse<String> noMedia = post("/message/sendMedia/booqing",
                "{\"number\":\"5511999999999\",\"mediatype\":\"image\",\"media\":\"not a url\"}");
        HttpResponse<String> emptyList = post("/message/sendList/booqing", "{\"number\":\"5511999999999\","
                + "\"title\":\"t\",\"footerText\":\"f\",\"buttonText\":\"b\",\"sections\":[]}");
        HttpResponse<String> twoEmoji = post("/message/sendReaction/booqing", "{\"key\":{\"remoteJid\":"
                + "\"5511999999999@s.whatsapp.net\",\"fromMe\":true,\"id\":\"BAE5\"},\"reaction\":\"\uD83D\uDE80\uD83D\uDE80\"}");

        assertThat(noText.statusCode()).isEqualTo(400);
        JsonNode error = Http.json(noText);
        assertThat(error.path("status").asInt()).isEqualTo(400);
        assertThat(error.path("error").asText()).isEqualTo("Bad Request");
        assertThat(error.at("/response/message/0").asText()).isEqualTo("instance requires property \"text\"");
        assertThat(Http.json(numericNumber).at("/response/message/0").asText()).isEqualTo("Invalid format");
        assertThat(Http.json(blankText).at("/response/message/0").asText()).isEqualTo("Text is required");
        assertThat(Http.json(badMediaType).at("/response/message/0").asText())
                .isEqualTo("mediatype is not one of enum values: image,document,video,audio");
        assertThat(Http.json(noMedia).at("/response/message/0").asText())
                .isEqualTo("Owned media must be a url or base64");
        assertThat(Http.json(emptyList).at("/response/message/0").asText())
                .isEqualTo("sections does not meet minimum length of 1");
        assertThat(Http.json(twoEmoji).at("/response/message/0").asText())
                .isEqualTo("Reaction must be a single emoji or empty string");
    }

    @Test
    void checksTheInstanceBeforeTheApiKey() throws Exception {
        String send = "{\"number\":\"5511999999999\",\"text\":\"hi\"}";
        HttpResponse<String> unknownWithoutKey = Http.call("POST", base + "/message/sendText/nope", Map.of(), send);
        HttpResponse<String> missingKey = Http.call("POST", base + "/message/sendText/booqing", Map.of(), send);
        HttpResponse<String> wrongKey = Http.call("POST", base + "/message/sendText/booqing",
                Map.of("apikey", "wrong"), send);

        assertThat(unknownWithoutKey.statusCode()).isEqualTo(404);
        assertThat(unknownWithoutKey.body())
                .isEqualTo("{\"status\":404,\"error\":\"Not Found\",\"response\":{\"message\":"
                        + "[\"The \\\"nope\\\" instance does not exist\"]}}");
        assertThat(missingKey.statusCode()).isEqualTo(401);
        assertThat(Http.json(missingKey).at("/response/message").asText()).isEqualTo("Unauthorized");
        assertThat(wrongKey.statusCode()).isEqualTo(401);
    }

    @Test
    void acceptsTheInstanceTokenAsApiKey() throws Exception {
        simulator.registerEvolution("evo-2", new EvolutionSettings("second", KEY, null, "INSTANCE-TOKEN", null,
                null, true, false, null), null, false);
        String second = simulator.endpoint("evo-2").apiUrl();

        HttpResponse<String> response = Http.call("POST", second + "/message/sendText/second",
                Map.of("apikey", "INSTANCE-TOKEN"), "{\"number\":\"5511999999999\",\"text\":\"hi\"}");

        assertThat(response.statusCode()).isEqualTo(201);
    }

    @Test
    void sendingWhileNotConnectedAnswersConnectionClosed() throws Exception {
        Http.call("DELETE", base + "/instance/logout/booqing", AUTH, null);

        HttpResponse<String> response = post("/message/sendText/booqing",
                "{\"number\":\"5511999999999\",\"text\":\"hi\"}");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("{\"status\":500,\"error\":\"Internal Server Error\","
                + "\"response\":{\"message\":\"Connection Closed\"}}");
    }

    @Test
    void managesTheInstanceOverItsApi() throws Exception {
        JsonNode state = Http.json(Http.call("GET", base + "/instance/connectionState/booqing", AUTH, null));
        assertThat(state.at("/instance/instanceName").asText()).isEqualTo("booqing");
        assertThat(state.at("/instance/state").asText()).isEqualTo("open");

        HttpResponse<String> logout = Http.call("DELETE", base + "/instance/logout/booqing", AUTH, null);
        assertThat(Http.json(logout).at("/response/message").asText()).isEqualTo("Instance logged out");
        HttpResponse<String> again = Http.call("DELETE", base + "/instance/logout/booqing", AUTH, null);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(Http.json(again).at("/response/message/0").asText())
                .isEqualTo("The \"booqing\" instance is not connected");
        HttpResponse<String> restart = Http.call("POST", base + "/instance/restart/booqing", AUTH, null);
        assertThat(Http.json(restart).path("error").asBoolean()).isTrue();

        HttpResponse<String> deleted = Http.call("DELETE", base + "/instance/delete/booqing", AUTH, null);
        assertThat(Http.json(deleted).at("/response/message").asText()).isEqualTo("Instance deleted");
        assertThat(Http.call("GET", base + "/instance/connectionState/booqing", AUTH, null).statusCode())
                .isEqualTo(404);

        HttpResponse<String> created = post("/instance/create",
                "{\"instanceName\":\"booqing\",\"qrcode\":true,\"integration\":\"WHATSAPP-BAILEYS\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = Http.json(created);
        assertThat(body.at("/instance/status").asText()).isEqualTo("connecting");
        assertThat(body.path("hash").asText()).isNotBlank();
        assertThat(body.at("/qrcode/code").asText()).startsWith("2@");
        assertThat(body.at("/qrcode/base64").asText()).startsWith("data:image/png;base64,");
        HttpResponse<String> duplicate = post("/instance/create", "{\"instanceName\":\"booqing\"}");
        assertThat(duplicate.statusCode()).isEqualTo(403);
        assertThat(Http.json(duplicate).at("/response/message/0").asText())
                .isEqualTo("This name \"booqing\" is already in use.");
    }

    @Test
    void answersExpressStyle404ForUnknownRoutes() throws Exception {
        HttpResponse<String> response = Http.call("POST", base + "/message/sendNothing/booqing", AUTH, "{}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Http.json(response).at("/response/message/0").asText())
                .isEqualTo("Cannot POST /message/sendNothing/booqing");
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return Http.call("POST", base + path, AUTH, body);
    }
}
