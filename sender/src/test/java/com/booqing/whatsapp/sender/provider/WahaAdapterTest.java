package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.sender.testing.Fixtures;
import com.booqing.whatsapp.sender.testing.StubHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Request bodies after the WAHA docs' openapi (2026.7.1) and the answers and errors of reference §2.3. */
class WahaAdapterTest {
    private static final String KEY = "waha-secret-key";
    private static final String SERIALIZED_ID = "true_31612345678@c.us_3EB0C767D26A1D6A5F8B";
    /** The bare id: what the processor reads from message.ack receipts, so what the sender must record. */
    private static final String SENT_ID = "3EB0C767D26A1D6A5F8B";
    private static final String OK = "{\"id\":\"" + SERIALIZED_ID + "\",\"timestamp\":1666943582,\"from\":\"31600000000@c.us\","
            + "\"fromMe\":true,\"to\":\"31612345678@c.us\",\"body\":\"hi\",\"hasMedia\":false,\"ack\":1}";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ObjectMapper mapper = Json.lenient();
    private final SecretBox box = Fixtures.secretBox();
    private final WahaAdapter adapter = new WahaAdapter(CloudApiAdapter.httpClient(Duration.ofSeconds(2)));
    private StubHttpServer server;
    private Endpoint endpoint;

    @BeforeEach
    void start() throws IOException {
        server = new StubHttpServer();
        server.answer(201, OK);
        endpoint = waha("salon-1");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Endpoint waha(String session) {
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        return new Endpoint("ep_waha", Fixtures.TENANT, "waha", ProviderType.WAHA, server.baseUrl() + "/", null, null,
                session, null, box.seal(KEY, Endpoint.secretContext(Fixtures.TENANT, "ep_waha", "apiKey")), null,
                null, true, true, 1, t, t);
    }

    private JsonNode send(MessageContent content, String expectedPath) throws IOException {
        SendCommand command = Fixtures.command(Fixtures.RECIPIENT, content);
        SendOutcome outcome = adapter.send(endpoint, KEY, command, TIMEOUT);
        assertThat(outcome).isEqualTo(new SendOutcome.Sent(SENT_ID));
        StubHttpServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo(expectedPath);
        assertThat(request.header("X-Api-Key")).isEqualTo(KEY);
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = mapper.readTree(request.body());
        assertThat(body.path("session").asText()).isEqualTo("salon-1");
        assertThat(body.path("chatId").asText()).isEqualTo("31612345678@c.us");
        return body;
    }

    @Nested
    class RequestBody {

        @Test
        void sendsTextToThePersonsChatId() throws IOException {
            JsonNode body = send(new MessageContent.Text("Hello", null), "/api/sendText");

            assertThat(body.path("text").asText()).isEqualTo("Hello");
            assertThat(body.path("linkPreview").asBoolean()).isFalse();
        }

        @Test
        void sendsImageFromAUrlWithItsTypeGuessedFromTheExtension() throws IOException {
            JsonNode body = send(new MessageContent.Image("https://cdn.example/a/photo.PNG", null, null, "Look"),
                    "/api/sendImage");

            assertThat(body.path("file").path("url").asText()).isEqualTo("https://cdn.example/a/photo.PNG");
            assertThat(body.path("file").path("mimetype").asText()).isEqualTo("image/png");
            assertThat(body.path("caption").asText()).isEqualTo("Look");
        }

        @Test
        void sendsVideoWithAFileNameAndConversionWhenNotMp4() throws IOException {
            JsonNode body = send(new MessageContent.Video("https://cdn.example/clip.mov", null, null, "Watch"),
                    "/api/sendVideo");

            assertThat(body.path("file").path("mimetype").asText()).isEqualTo("video/quicktime");
            assertThat(body.path("file").path("filename").asText()).isEqualTo("clip.mov");
            assertThat(body.path("convert").asBoolean()).isTrue();
            assertThat(body.path("asNote").asBoolean()).isFalse();
        }

        @Test
        void sendsAVoiceNoteAsVoiceAndOtherAudioAsAFile() throws IOException {
            JsonNode voice = send(new MessageContent.Audio("https://cdn.example/v.ogg", null, null, true),
                    "/api/sendVoice");
            assertThat(voice.path("file").path("mimetype").asText()).isEqualTo("audio/ogg; codecs=opus");
            assertThat(voice.path("convert").asBoolean()).isFalse();

            server.close();
            start();
            JsonNode song = send(new MessageContent.Audio("https://cdn.example/s.mp3", null, "audio/mpeg", false),
                    "/api/sendFile");
            assertThat(song.path("file").path("mimetype").asText()).isEqualTo("audio/mpeg");
            assertThat(song.path("file").path("filename").asText()).isEqualTo("s.mp3");
        }

        @Test
        void sendsDocumentAsAFileWithItsName() throws IOException {
            JsonNode body = send(new MessageContent.Document("https://cdn.example/x?id=1", null, "application/pdf",
                    "Your invoice", "invoice.pdf"), "/api/sendFile");

            assertThat(body.path("file").path("filename").asText()).isEqualTo("invoice.pdf");
            assertThat(body.path("file").path("mimetype").asText()).isEqualTo("application/pdf");
            assertThat(body.path("caption").asText()).isEqualTo("Your invoice");
        }

        @Test
        void sendsLocationWithItsNameAsTitle() throws IOException {
            JsonNode body = send(new MessageContent.Location(52.37, 4.89, "Dam", "Dam 1"), "/api/sendLocation");

            assertThat(body.path("latitude").asDouble()).isEqualTo(52.37);
            assertThat(body.path("longitude").asDouble()).isEqualTo(4.89);
            assertThat(body.path("title").asText()).isEqualTo("Dam");
        }

        @Test
        void sendsContactsAsEscapedVCards() throws IOException {
            JsonNode body = send(new MessageContent.Contacts(List.of(new MessageContent.Contact("Smith; Ann",
                    List.of("+31 6 1234 5670")))), "/api/sendContactVcard");

            assertThat(body.path("contacts").path(0).path("vcard").asText()).isEqualTo("BEGIN:VCARD\nVERSION:3.0\n"
                    + "FN:Smith\\; Ann\nTEL;type=CELL;type=VOICE;waid=31612345670:+31612345670\nEND:VCARD");
        }

        @Test
        void sendsAListWithTheHeaderAsTitle() throws IOException {
            JsonNode body = send(new MessageContent.ListMessage("Menu", "Pick a slot", "Thanks", "Choose",
                    List.of(new MessageContent.Section("Monday", List.of(
                            new MessageContent.Row("mon-9", "09:00", "Morning"))))), "/api/sendList");

            JsonNode message = body.path("message");
            assertThat(message.path("title").asText()).isEqualTo("Menu");
            assertThat(message.path("description").asText()).isEqualTo("Pick a slot");
            assertThat(message.path("footer").asText()).isEqualTo("Thanks");
            assertThat(message.path("button").asText()).isEqualTo("Choose");
            JsonNode row = message.path("sections").path(0).path("rows").path(0);
            assertThat(message.path("sections").path(0).path("title").asText()).isEqualTo("Monday");
            assertThat(row.path("rowId").asText()).isEqualTo("mon-9");
            assertThat(row.path("title").asText()).isEqualTo("09:00");
            assertThat(row.path("description").asText()).isEqualTo("Morning");
        }

        @Test
        void reactsWithAPutAndAcceptsTheEmptyAnswer() throws IOException {
            server.answer(200, "");
            String target = "false_31612345678@c.us_AAAAAAAAAAAAAAAAAAAA";

            SendOutcome outcome = adapter.send(endpoint, KEY,
                    Fixtures.command(Fixtures.RECIPIENT, new MessageContent.Reaction(target, "\uD83D\uDC4D")), TIMEOUT);

            assertThat(outcome).isEqualTo(new SendOutcome.Sent(null));
            StubHttpServer.Request request = server.requests().get(0);
            assertThat(request.method()).isEqualTo("PUT");
            assertThat(request.path()).isEqualTo("/api/reaction");
            JsonNode body = mapper.readTree(request.body());
            assertThat(body.path("messageId").asText()).isEqualTo(target);
            assertThat(body.path("reaction").asText()).isEqualTo("\uD83D\uDC4D");
            assertThat(body.path("session").asText()).isEqualTo("salon-1");
        }

        @Test
        void usesTheDefaultSessionWhenTheEndpointNamesNone() throws IOException {
            endpoint = waha(null);

            adapter.send(endpoint, KEY, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);

            assertThat(mapper.readTree(server.requests().get(0).body()).path("session").asText()).isEqualTo("default");
        }

        @Test
        void recordsTheBareIdFromAnEngineThatAnswersWithAnIdObject() {
            server.answer(201, "{\"id\":{\"fromMe\":true,\"remote\":\"31612345678@c.us\",\"id\":\"3EB0\","
                    + "\"_serialized\":\"true_31612345678@c.us_3EB0\"}}");

            assertThat(adapter.send(endpoint, KEY, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT))
                    .isEqualTo(new SendOutcome.Sent("3EB0"));
        }

        @Test
        void recordsTheBareIdOfAnIdObjectWithOnlyItsSerializedForm() {
            server.answer(201, "{\"id\":{\"_serialized\":\"true_31612345678@lid_3EB0FF_123@lid\"}}");

            assertThat(adapter.send(endpoint, KEY, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT))
                    .isEqualTo(new SendOutcome.Sent("3EB0FF"));
        }

        @Test
        void keepsAnIdThatIsNotSerializedAsItIs() {
            server.answer(201, "{\"id\":\"3EB0ABCDEF\"}");

            assertThat(adapter.send(endpoint, KEY, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT))
                    .isEqualTo(new SendOutcome.Sent("3EB0ABCDEF"));
        }

        @Test
        void reactsToABareIdAsTheRecipientsMessage() throws IOException {
            server.answer(200, "");

            adapter.send(endpoint, KEY, Fixtures.command(Fixtures.RECIPIENT,
                    new MessageContent.Reaction("AAAAAAAAAAAAAAAAAAAA", "\uD83D\uDC4D")), TIMEOUT);

            assertThat(mapper.readTree(server.requests().get(0).body()).path("messageId").asText())
                    .isEqualTo("false_31612345678@c.us_AAAAAAAAAAAAAAAAAAAA");
        }

        @Test
        void sendsNoApiKeyHeaderWhenTheEndpointHasNone() {
            adapter.send(endpoint, null, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);

            assertThat(server.requests().get(0).header("X-Api-Key")).isNull();
        }
    }

    @Nested
    class Refusals {

        @Test
        void buttonsTemplatesAndStickersAreNotWahaCapabilities() {
            assertThat(adapter.capabilities()).doesNotContain("buttons", "template", "sticker");
            assertThat(adapter.unsupportedReason("buttons")).contains("deprecated");
        }

        @Test
        void mediaByIdIsRefusedWithoutACall() {
            SendOutcome outcome = adapter.send(endpoint, KEY,
                    Fixtures.command(Fixtures.RECIPIENT, new MessageContent.Image(null, "12345", null, null)), TIMEOUT);

            assertThat(((SendOutcome.Failed) outcome).code()).isEqualTo(ProviderCodes.INVALID_CONTENT);
            assertThat(((SendOutcome.Failed) outcome).reason()).contains("public URL");
            assertThat(server.requests()).isEmpty();
        }

        @Test
        void sessionNameThatIsNotAPlainNameIsAMisconfiguration() {
            endpoint = waha("a/../b");

            SendOutcome outcome = adapter.send(endpoint, KEY, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);

            assertThat(((SendOutcome.Failed) outcome).code()).isEqualTo(ProviderCodes.ENDPOINT_MISCONFIGURED);
            assertThat(server.requests()).isEmpty();
        }
    }

    @Nested
    class ErrorMapping {

        private SendOutcome.Failed failedWith(int status, String body) {
            server.answer(status, body);
            SendOutcome outcome = adapter.send(endpoint, KEY, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);
            assertThat(outcome).isInstanceOf(SendOutcome.Failed.class);
            return (SendOutcome.Failed) outcome;
        }

        @Test
        void sessionNotWorkingIsCertainlyNotSentSoItFailsOver() {
            SendOutcome.Failed f = failedWith(422, "{\"error\":\"Session status is not as expected. Try again later"
                    + " or restart the session\",\"session\":\"salon-1\",\"status\":\"SCAN_QR_CODE\","
                    + "\"expected\":[\"WORKING\"]}");

            assertThat(f.code()).isEqualTo(WahaErrors.SESSION_NOT_READY);
            assertThat(f.retryable()).isTrue();
            assertThat(f.allowsFailover()).isTrue();
            assertThat(f.reason()).contains("not as expected");
        }

        @Test
        void unknownSessionIsAnEndpointMisconfiguration() {
            SendOutcome.Failed f = failedWith(422, "{\"error\":\"Session \\\"salon-1\\\" does not exist\","
                    + "\"session\":\"salon-1\"}");

            assertThat(f.code()).isEqualTo(WahaErrors.SESSION_NOT_FOUND);
            assertThat(f.retryable()).isFalse();
            assertThat(f.allowsFailover()).isTrue();
        }

        @Test
        void rejectedKeyIsPermanentAndNeverEchoed() {
            SendOutcome.Failed f = failedWith(401, "{\"message\":\"Unauthorized\",\"statusCode\":401}");

            assertThat(f.code()).isEqualTo(WahaErrors.UNAUTHORIZED);
            assertThat(f.retryable()).isFalse();
            assertThat(f.reason()).doesNotContain(KEY);
        }

        @Test
        void validationErrorIsPermanentWithTheMessages() {
            SendOutcome.Failed f = failedWith(400, "{\"message\":[\"text should not be empty\"],"
                    + "\"error\":\"Bad Request\",\"statusCode\":400}");

            assertThat(f.code()).isEqualTo(WahaErrors.INVALID_REQUEST);
            assertThat(f.cause()).isEqualTo(SendOutcome.Cause.REQUEST);
            assertThat(f.reason()).isEqualTo("text should not be empty");
        }

        @Test
        void unexpectedServerErrorMayHaveSent() {
            SendOutcome.Failed f = failedWith(500, "{\"statusCode\":500,\"exception\":{\"message\":\"Evaluation"
                    + " failed\"},\"version\":\"2026.2.1\"}");

            assertThat(f.code()).isEqualTo("http_500");
            assertThat(f.retryable()).isTrue();
            assertThat(f.certainlyNotSent()).isFalse();
            assertThat(f.reason()).isEqualTo("Evaluation failed");
        }

        @Test
        void rateLimitHonoursRetryAfter() {
            server.answer(new StubHttpServer.Answer(429, "{\"message\":\"Too Many Requests\"}",
                    java.util.Map.of("Retry-After", "3"), Duration.ZERO));
            SendOutcome.Failed f = (SendOutcome.Failed) adapter.send(endpoint, KEY,
                    Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);

            assertThat(f.cause()).isEqualTo(SendOutcome.Cause.ENDPOINT_RATE);
            assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        }

        @Test
        void missingMediaFileIsPermanent() {
            SendOutcome.Failed f = failedWith(404, "{\"message\":\"FILE_NOT_FOUND\",\"statusCode\":404}");

            assertThat(f.code()).isEqualTo(WahaErrors.FILE_NOT_FOUND);
            assertThat(f.cause()).isEqualTo(SendOutcome.Cause.REQUEST);
        }
    }
}
