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

/** Request bodies after Evolution's message.schema.ts (release 2.3.6) and the answers and errors of reference §3.3. */
class EvolutionAdapterTest {
    private static final String KEY = "evo-global-key";
    private static final String OK = "{\"key\":{\"remoteJid\":\"31612345678@s.whatsapp.net\",\"fromMe\":true,"
            + "\"id\":\"BAE5F2A1C3D4E5F6\"},\"message\":{\"conversation\":\"hi\"},\"messageTimestamp\":1717243200,"
            + "\"status\":\"PENDING\"}";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ObjectMapper mapper = Json.lenient();
    private final SecretBox box = Fixtures.secretBox();
    private final EvolutionAdapter adapter = new EvolutionAdapter(CloudApiAdapter.httpClient(Duration.ofSeconds(2)));
    private StubHttpServer server;
    private Endpoint endpoint;

    @BeforeEach
    void start() throws IOException {
        server = new StubHttpServer();
        server.answer(201, OK);
        endpoint = evolution("salon-1");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Endpoint evolution(String instance) {
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        return new Endpoint("ep_evo", Fixtures.TENANT, "evo", ProviderType.EVOLUTION, server.baseUrl(), null, null,
                null, instance, box.seal(KEY, Endpoint.secretContext(Fixtures.TENANT, "ep_evo", "apiKey")), null,
                null, true, true, 1, t, t);
    }

    private JsonNode send(MessageContent content, String action) throws IOException {
        SendCommand command = Fixtures.command(Fixtures.RECIPIENT, content);
        SendOutcome outcome = adapter.send(endpoint, KEY, command, TIMEOUT);
        assertThat(outcome).isEqualTo(new SendOutcome.Sent("BAE5F2A1C3D4E5F6"));
        StubHttpServer.Request request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/message/" + action + "/salon-1");
        assertThat(request.header("apikey")).isEqualTo(KEY);
        return mapper.readTree(request.body());
    }

    @Nested
    class RequestBody {

        @Test
        void sendsTextToTheNumberAsDigits() throws IOException {
            JsonNode body = send(new MessageContent.Text("Hello", true), "sendText");

            assertThat(body.path("number").asText()).isEqualTo("31612345678");
            assertThat(body.path("text").asText()).isEqualTo("Hello");
            assertThat(body.path("linkPreview").asBoolean()).isTrue();
        }

        @Test
        void sendsEveryMediaKindThroughSendMedia() throws IOException {
            JsonNode body = send(new MessageContent.Document("https://cdn.example/i.pdf", null, null, "Invoice",
                    null), "sendMedia");

            assertThat(body.path("mediatype").asText()).isEqualTo("document");
            assertThat(body.path("mimetype").asText()).isEqualTo("application/pdf");
            assertThat(body.path("media").asText()).isEqualTo("https://cdn.example/i.pdf");
            assertThat(body.path("fileName").asText()).isEqualTo("i.pdf");
            assertThat(body.path("caption").asText()).isEqualTo("Invoice");
        }

        @Test
        void sendsLocationWithTheRequiredNameAndAddress() throws IOException {
            JsonNode body = send(new MessageContent.Location(52.37, 4.89, null, null), "sendLocation");

            assertThat(body.path("latitude").asDouble()).isEqualTo(52.37);
            assertThat(body.path("name").isTextual()).isTrue();
            assertThat(body.path("address").isTextual()).isTrue();
        }

        @Test
        void reactsToTheRecipientsMessage() throws IOException {
            JsonNode body = send(new MessageContent.Reaction("3EB0AAAA", "\uD83D\uDC4D"), "sendReaction");

            assertThat(body.path("key").path("remoteJid").asText()).isEqualTo("31612345678@s.whatsapp.net");
            assertThat(body.path("key").path("fromMe").asBoolean()).isFalse();
            assertThat(body.path("key").path("id").asText()).isEqualTo("3EB0AAAA");
            assertThat(body.path("reaction").asText()).isEqualTo("\uD83D\uDC4D");
            assertThat(body.has("number")).isFalse();
        }

        @Test
        void sendsReplyButtons() throws IOException {
            JsonNode body = send(new MessageContent.Buttons("Booking", "Confirm your visit?", "Salon", List.of(
                    new MessageContent.Button("yes", "Yes"), new MessageContent.Button("no", "No"))), "sendButtons");

            assertThat(body.path("title").asText()).isEqualTo("Booking");
            assertThat(body.path("description").asText()).isEqualTo("Confirm your visit?");
            assertThat(body.path("footer").asText()).isEqualTo("Salon");
            assertThat(body.path("buttons").path(1).path("type").asText()).isEqualTo("reply");
            assertThat(body.path("buttons").path(1).path("displayText").asText()).isEqualTo("No");
            assertThat(body.path("buttons").path(1).path("id").asText()).isEqualTo("no");
        }

        @Test
        void sendsAListWithTheRequiredFooterText() throws IOException {
            JsonNode body = send(new MessageContent.ListMessage(null, "Pick a slot", null, "Choose",
                    List.of(new MessageContent.Section("Monday", List.of(
                            new MessageContent.Row("mon-9", "09:00", null))))), "sendList");

            assertThat(body.path("title").asText()).isEqualTo("Pick a slot");
            assertThat(body.path("footerText").asText()).isEmpty();
            assertThat(body.path("buttonText").asText()).isEqualTo("Choose");
            JsonNode row = body.path("sections").path(0).path("rows").path(0);
            assertThat(row.path("rowId").asText()).isEqualTo("mon-9");
            assertThat(row.has("description")).isFalse();
        }

        @Test
        void sendsContactsWithTheirWhatsAppId() throws IOException {
            JsonNode body = send(new MessageContent.Contacts(List.of(new MessageContent.Contact("Ann",
                    List.of("+31 6 1234 5670")))), "sendContact");

            JsonNode contact = body.path("contact").path(0);
            assertThat(contact.path("fullName").asText()).isEqualTo("Ann");
            assertThat(contact.path("wuid").asText()).isEqualTo("31612345670");
            assertThat(contact.path("phoneNumber").asText()).isEqualTo("+31612345670");
        }
    }

    @Nested
    class Refusals {

        @Test
        void templatesAndStickersAreNotEvolutionCapabilities() {
            assertThat(adapter.capabilities()).doesNotContain("template", "sticker");
            assertThat(adapter.capabilities()).contains("buttons", "list");
        }

        @Test
        void instanceNameThatIsNotAPathSegmentIsAMisconfiguration() {
            endpoint = evolution("../admin");

            SendOutcome outcome = adapter.send(endpoint, KEY, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);

            assertThat(((SendOutcome.Failed) outcome).code()).isEqualTo(ProviderCodes.ENDPOINT_MISCONFIGURED);
            assertThat(server.requests()).isEmpty();
        }

        @Test
        void endpointWithoutAnApiKeyCannotSend() {
            SendOutcome outcome = adapter.send(endpoint, null, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);

            assertThat(((SendOutcome.Failed) outcome).code()).isEqualTo(ProviderCodes.SECRET_UNAVAILABLE);
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
        void numberNotOnWhatsAppIsPermanent() {
            SendOutcome.Failed f = failedWith(400, "{\"status\":400,\"error\":\"Bad Request\",\"response\":{\"message\":"
                    + "[{\"jid\":\"31612345678@s.whatsapp.net\",\"exists\":false,\"number\":\"31612345678\"}]}}");

            assertThat(f.code()).isEqualTo(EvolutionErrors.NOT_ON_WHATSAPP);
            assertThat(f.cause()).isEqualTo(SendOutcome.Cause.REQUEST);
            assertThat(f.retryable()).isFalse();
        }

        @Test
        void rejectedApiKeyIsPermanentForTheEndpoint() {
            SendOutcome.Failed f = failedWith(401, "{\"status\":401,\"error\":\"Unauthorized\",\"response\":"
                    + "{\"message\":\"Unauthorized\"}}");

            assertThat(f.code()).isEqualTo(EvolutionErrors.UNAUTHORIZED);
            assertThat(f.retryable()).isFalse();
            assertThat(f.allowsFailover()).isTrue();
            assertThat(f.reason()).doesNotContain(KEY);
        }

        @Test
        void unknownInstanceFailsOverWithoutRetry() {
            SendOutcome.Failed f = failedWith(404, "{\"status\":404,\"error\":\"Not Found\",\"response\":{\"message\":"
                    + "[\"The \\\"salon-1\\\" instance does not exist\"]}}");

            assertThat(f.code()).isEqualTo(EvolutionErrors.INSTANCE_NOT_FOUND);
            assertThat(f.reason()).contains("instance does not exist");
            assertThat(f.allowsFailover()).isTrue();
            assertThat(f.retryable()).isFalse();
        }

        @Test
        void closedConnectionIsCertainlyNotSent() {
            SendOutcome.Failed f = failedWith(400, "{\"status\":400,\"error\":\"Bad Request\",\"response\":{\"message\":"
                    + "[\"Error: Connection Closed\"]}}");

            assertThat(f.code()).isEqualTo(EvolutionErrors.SESSION_NOT_CONNECTED);
            assertThat(f.retryable()).isTrue();
            assertThat(f.allowsFailover()).isTrue();
        }

        @Test
        void schemaViolationIsPermanent() {
            SendOutcome.Failed f = failedWith(400, "{\"status\":400,\"error\":\"Bad Request\",\"response\":{\"message\":"
                    + "[\"instance requires property \\\"text\\\"\"]}}");

            assertThat(f.code()).isEqualTo(EvolutionErrors.INVALID_REQUEST);
            assertThat(f.reason()).contains("requires property");
        }

        @Test
        void internalErrorMayHaveSent() {
            SendOutcome.Failed f = failedWith(500, "{\"status\":500,\"error\":\"Internal Server Error\",\"response\":"
                    + "{\"message\":\"Internal Server Error\"}}");

            assertThat(f.retryable()).isTrue();
            assertThat(f.certainlyNotSent()).isFalse();
        }
    }
}
