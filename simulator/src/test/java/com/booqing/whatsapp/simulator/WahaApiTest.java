package com.booqing.whatsapp.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Request bodies follow WAHA's docs (send-messages, openapi 2026.7.1 examples). */
class WahaApiTest {

    private static final String KEY = "waha-api-key";
    private static final Map<String, String> AUTH = Map.of("X-Api-Key", KEY);

    private Simulator simulator;
    private String api;

    @BeforeEach
    void start() {
        simulator = new Simulator(SimulatorConfig.defaults().withPairing(PairingTimings.fast())).start(0);
        api = simulator.registerWaha("waha-1", "default", KEY, "hmac-key", null).apiUrl() + "/api";
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void sendsTextAndAnswersTheWebjsMessage() throws Exception {
        HttpResponse<String> response = post("/sendText",
                "{\"session\":\"default\",\"chatId\":\"12132132130@c.us\",\"text\":\"Hi there!\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode message = Http.json(response);
        assertThat(message.at("/id/_serialized").asText()).matches("true_12132132130@c\\.us_3EB0[0-9A-F]{18}");
        assertThat(message.at("/id/fromMe").asBoolean()).isTrue();
        assertThat(message.at("/id/remote").asText()).isEqualTo("12132132130@c.us");
        assertThat(message.path("body").asText()).isEqualTo("Hi there!");
        assertThat(message.path("type").asText()).isEqualTo("chat");
        assertThat(message.path("to").asText()).isEqualTo("12132132130@c.us");
        assertThat(message.path("ack").asInt()).isZero();
        assertThat(message.at("/_data/id/_serialized").asText()).isEqualTo(message.at("/id/_serialized").asText());
    }

    @Test
    void acceptsEveryDocumentedSendBody() throws Exception {
        Map<String, String> sends = Map.of(
                "/sendImage", "{\"session\":\"default\",\"chatId\":\"11111111111@c.us\",\"file\":{\"mimetype\":"
                        + "\"image/jpeg\",\"url\":\"https://github.com/devlikeapro/waha/raw/core/examples/"
                        + "dev.likeapro.jpg\",\"filename\":\"filename.jpeg\"},\"caption\":\"string\"}",
                "/sendFile", "{\"session\":\"default\",\"chatId\":\"11111111111@c.us\",\"file\":{\"mimetype\":"
                        + "\"application/pdf\",\"filename\":\"document.pdf\",\"data\":\"JVBERi0xLjQK\"}}",
                "/sendVoice", "{\"session\":\"default\",\"chatId\":\"11111111111@c.us\",\"file\":{\"mimetype\":"
                        + "\"audio/ogg; codecs=opus\",\"url\":\"https://example.com/v.opus\"},\"convert\":false}",
                "/sendVideo", "{\"session\":\"default\",\"chatId\":\"11111111111@c.us\",\"caption\":\"Watch\","
                        + "\"asNote\":false,\"file\":{\"mimetype\":\"video/mp4\",\"filename\":\"video.mp4\","
                        + "\"url\":\"https://example.com/video.mp4\"},\"convert\":false}",
                "/sendLocation", "{\"session\":\"default\",\"chatId\":\"11111111111@c.us\",\"latitude\":38.8937255,"
                        + "\"longitude\":-77.0969763,\"title\":\"Our office\"}",
                "/sendList", "{\"session\":\"default\",\"chatId\":\"11111111111@c.us\",\"message\":{\"title\":"
                        + "\"Simple Menu\",\"description\":\"Please choose an option\",\"footer\":\"Thank you!\","
                        + "\"button\":\"Choose\",\"sections\":[{\"title\":\"Main\",\"rows\":[{\"title\":\"Option 1\","
                        + "\"rowId\":\"option1\",\"description\":\"First\"}]}]}}",
                "/sendButtons", "{\"session\":\"default\",\"chatId\":\"11111111111@c.us\",\"header\":\"How are you?\","
                        + "\"body\":\"Tell us\",\"footer\":\"Questions?\",\"buttons\":[{\"type\":\"reply\",\"text\":"
                        + "\"I am good!\"},{\"type\":\"call\",\"text\":\"Call us\",\"phoneNumber\":\"+1234567890\"}]}",
                "/sendContactVcard", "{\"session\":\"default\",\"chatId\":\"11111111111@c.us\",\"contacts\":[{"
                        + "\"fullName\":\"John Doe\",\"organization\":\"Company Name\",\"phoneNumber\":"
                        + "\"+91 11111 11111\",\"whatsappId\":\"911111111111\",\"vcard\":null}]}",
                "/sendPoll", "{\"session\":\"default\",\"chatId\":\"123123123@c.us\",\"poll\":{\"name\":"
                        + "\"How are you?\",\"options\":[\"Awesome!\",\"Good!\",\"Not bad!\"],\"multipleAnswers\":false}}");

        for (Map.Entry<String, String> send : sends.entrySet()) {
            HttpResponse<String> response = post(send.getKey(), send.getValue());
            assertThat(response.statusCode()).as(send.getKey() + " " + response.body()).isEqualTo(201);
        }
        HttpResponse<String> reaction = Http.call("PUT", api + "/reaction", AUTH,
                "{\"session\":\"default\",\"messageId\":\"false_11111111111@c.us_AAAAAAAAAAAAAAAAAAAA\","
                        + "\"reaction\":\"\uD83D\uDC4D\"}");
        assertThat(reaction.statusCode()).isEqualTo(200);
        assertThat(reaction.body()).isEmpty();
    }

    @Test
    void rejectsBadBodiesWithClassValidatorMessages() throws Exception {
        HttpResponse<String> noText = post("/sendText", "{\"session\":\"default\",\"chatId\":\"12132132130@c.us\"}");
        HttpResponse<String> badChat = post("/sendText",
                "{\"session\":\"default\",\"chatId\":\"12132132130@s.whatsapp.net\",\"text\":\"hi\"}");
        HttpResponse<String> noFileUrl = post("/sendImage",
                "{\"session\":\"default\",\"chatId\":\"1213213213@c.us\",\"file\":{\"mimetype\":\"image/jpeg\"}}");
        HttpResponse<String> listToGroup = post("/sendList", "{\"session\":\"default\",\"chatId\":\"120363@g.us\","
                + "\"message\":{\"title\":\"t\",\"button\":\"b\",\"sections\":[{\"title\":\"s\",\"rows\":[{}]}]}}");
        HttpResponse<String> farLocation = post("/sendLocation",
                "{\"session\":\"default\",\"chatId\":\"1213213213@c.us\",\"latitude\":123,\"longitude\":0,\"title\":\"x\"}");

        assertThat(noText.statusCode()).isEqualTo(400);
        JsonNode error = Http.json(noText);
        assertThat(error.path("statusCode").asInt()).isEqualTo(400);
        assertThat(error.path("error").asText()).isEqualTo("Bad Request");
        assertThat(error.path("message").get(0).asText()).isEqualTo("text must be a string");
        assertThat(Http.json(badChat).path("message").get(0).asText()).startsWith("chatId must be");
        assertThat(Http.json(noFileUrl).path("message").get(0).asText())
                .isEqualTo("file.url or file.data must be provided");
        assertThat(Http.json(listToGroup).path("message")).extracting(JsonNode::asText)
                .contains("message.sections.0.rows.0.title must be a string",
                        "message.sections.0.rows.0.rowId must be a string");
        assertThat(Http.json(listToGroup).path("message").get(0).asText()).contains("direct chats only");
        assertThat(farLocation.statusCode()).isEqualTo(400);
        assertThat(simulator.webhookStats("waha-1").posted()).isZero();
    }

    @Test
    void refusesMissingOrWrongApiKey() throws Exception {
        String send = "{\"session\":\"default\",\"chatId\":\"12132132130@c.us\",\"text\":\"hi\"}";
        HttpResponse<String> missing = Http.call("POST", api + "/sendText", Map.of(), send);
        HttpResponse<String> wrong = Http.call("POST", api + "/sendText", Map.of("X-Api-Key", "nope"), send);
        HttpResponse<String> sessions = Http.call("GET", api + "/sessions/default", Map.of(), null);

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(Http.json(missing).path("message").asText()).isEqualTo("Unauthorized");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(sessions.statusCode()).isEqualTo(401);
    }

    @Test
    void answers422ForAnUnknownOrNotWorkingSession() throws Exception {
        HttpResponse<String> unknown = post("/sendText",
                "{\"session\":\"other\",\"chatId\":\"12132132130@c.us\",\"text\":\"hi\"}");
        HttpResponse<String> unnamed = post("/sendText", "{\"chatId\":\"12132132130@c.us\",\"text\":\"hi\"}");
        post("/sessions/default/stop", null);
        HttpResponse<String> stopped = post("/sendText",
                "{\"session\":\"default\",\"chatId\":\"12132132130@c.us\",\"text\":\"hi\"}");

        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(Http.json(unknown).path("error").asText()).isEqualTo("Session \"other\" does not exist");
        assertThat(Http.json(unnamed).path("error").asText()).isEqualTo("Session name is required");
        assertThat(stopped.statusCode()).isEqualTo(422);
        JsonNode error = Http.json(stopped);
        assertThat(error.path("error").asText())
                .isEqualTo("Session status is not as expected. Try again later or restart the session");
        assertThat(error.path("status").asText()).isEqualTo("STOPPED");
        assertThat(error.path("expected").get(0).asText()).isEqualTo("WORKING");
    }

    @Test
    void managesTheSessionOverItsApi() throws Exception {
        JsonNode info = Http.json(Http.call("GET", api + "/sessions/default", AUTH, null));
        assertThat(info.path("status").asText()).isEqualTo("WORKING");
        assertThat(info.at("/me/id").asText()).endsWith("@c.us");
        assertThat(info.at("/engine/engine").asText()).isEqualTo("WEBJS");

        HttpResponse<String> duplicate = post("/sessions", "{\"name\":\"default\"}");
        assertThat(duplicate.statusCode()).isEqualTo(422);
        assertThat(Http.json(duplicate).path("message").asText())
                .isEqualTo("Session 'default' already exists. Use PUT to update it.");

        assertThat(Http.call("DELETE", api + "/sessions/default", AUTH, null).statusCode()).isEqualTo(200);
        assertThat(Http.call("GET", api + "/sessions/default", AUTH, null).statusCode()).isEqualTo(404);
        HttpResponse<String> created = post("/sessions", "{\"name\":\"default\",\"start\":false,"
                + "\"config\":{\"metadata\":{\"tenant\":\"t-1\"}}}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(Http.json(created).path("status").asText()).isEqualTo("STOPPED");
        assertThat(Http.json(created).at("/config/metadata/tenant").asText()).isEqualTo("t-1");
        assertThat(Http.call("GET", api + "/sessions/default/me", AUTH, null).statusCode()).isEqualTo(404);
        assertThat(Http.json(post("/sessions/default/start", null)).path("status").asText()).isEqualTo("STARTING");
    }

    @Test
    void answersNestStyle404ForUnknownRoutes() throws Exception {
        HttpResponse<String> response = Http.call("GET", api + "/nothing/here", AUTH, null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Http.json(response).path("message").asText()).isEqualTo("Cannot GET /api/nothing/here");
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return Http.call("POST", api + path, AUTH, body);
    }
}
