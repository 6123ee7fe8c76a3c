package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
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
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CloudApiAdapterTest {
    private static final String TOKEN = "EAAG-test-token";
    private static final String WAMID = "wamid.HBgLMzE2MTIzNDU2NzgVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA";
    private static final String OK = "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"+31612345678\","
            + "\"wa_id\":\"31612345678\"}],\"messages\":[{\"id\":\"" + WAMID + "\",\"message_status\":\"accepted\"}]}";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ObjectMapper mapper = Json.lenient();
    private final SecretBox box = Fixtures.secretBox();
    private final CloudApiAdapter adapter = new CloudApiAdapter(CloudApiAdapter.httpClient(Duration.ofSeconds(2)));
    private StubHttpServer server;
    private Endpoint endpoint;

    @BeforeEach
    void start() throws IOException {
        server = new StubHttpServer();
        server.answer(200, OK);
        endpoint = Fixtures.cloudEndpoint(box, "ep_cloud", server.baseUrl() + "/", TOKEN, true);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode sendAndCapture(MessageContent content) throws IOException {
        SendCommand command = Fixtures.command(Fixtures.RECIPIENT, content);
        SendOutcome outcome = adapter.send(endpoint, TOKEN, command, TIMEOUT);
        assertThat(outcome).isEqualTo(new SendOutcome.Sent(WAMID));
        JsonNode body = mapper.readTree(server.requests().get(0).body());
        assertThat(body.path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(body.path("recipient_type").asText()).isEqualTo("individual");
        assertThat(body.path("to").asText()).isEqualTo(Fixtures.RECIPIENT);
        assertThat(body.path("biz_opaque_callback_data").asText()).isEqualTo(command.messageId());
        return body;
    }

    @Nested
    class RequestBody {

        @Test
        void postsTextToThePhoneNumbersMessagesPathWithBearerToken() throws IOException {
            JsonNode body = sendAndCapture(new MessageContent.Text("Hello", true));

            StubHttpServer.Request request = server.requests().get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/v23.0/1234567890/messages");
            assertThat(request.header("Authorization")).isEqualTo("Bearer " + TOKEN);
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            assertThat(body.path("type").asText()).isEqualTo("text");
            assertThat(body.path("text").path("body").asText()).isEqualTo("Hello");
            assertThat(body.path("text").path("preview_url").asBoolean()).isTrue();
        }

        @Test
        void sendsImageByLinkWithCaption() throws IOException {
            JsonNode body = sendAndCapture(new MessageContent.Image("https://cdn.example/a.jpg", null, null, "Look"));

            assertThat(body.path("type").asText()).isEqualTo("image");
            assertThat(body.path("image").path("link").asText()).isEqualTo("https://cdn.example/a.jpg");
            assertThat(body.path("image").path("caption").asText()).isEqualTo("Look");
            assertThat(body.path("image").has("id")).isFalse();
        }

        @Test
        void sendsMediaByIdWhenThereIsNoLink() throws IOException {
            JsonNode body = sendAndCapture(new MessageContent.Video(null, "1122334455", "video/mp4", null));

            assertThat(body.path("type").asText()).isEqualTo("video");
            assertThat(body.path("video").path("id").asText()).isEqualTo("1122334455");
            assertThat(body.path("video").has("caption")).isFalse();
        }

        @Test
        void sendsAudioAndStickerByLink() throws IOException {
            JsonNode audio = sendAndCapture(new MessageContent.Audio("https://cdn.example/a.ogg", null, null, true));
            assertThat(audio.path("type").asText()).isEqualTo("audio");
            assertThat(audio.path("audio").path("link").asText()).isEqualTo("https://cdn.example/a.ogg");

            server.close();
            start();
            JsonNode sticker = sendAndCapture(new MessageContent.Sticker("https://cdn.example/s.webp", null, null));
            assertThat(sticker.path("type").asText()).isEqualTo("sticker");
            assertThat(sticker.path("sticker").path("link").asText()).isEqualTo("https://cdn.example/s.webp");
        }

        @Test
        void sendsDocumentWithCaptionAndFilename() throws IOException {
            JsonNode body = sendAndCapture(new MessageContent.Document("https://cdn.example/i.pdf", null,
                    "application/pdf", "Your invoice", "invoice.pdf"));

            assertThat(body.path("document").path("link").asText()).isEqualTo("https://cdn.example/i.pdf");
            assertThat(body.path("document").path("caption").asText()).isEqualTo("Your invoice");
            assertThat(body.path("document").path("filename").asText()).isEqualTo("invoice.pdf");
        }

        @Test
        void sendsLocation() throws IOException {
            JsonNode body = sendAndCapture(new MessageContent.Location(52.37, 4.89, "Dam", "Dam 1, Amsterdam"));

            JsonNode location = body.path("location");
            assertThat(location.path("latitude").asDouble()).isEqualTo(52.37);
            assertThat(location.path("longitude").asDouble()).isEqualTo(4.89);
            assertThat(location.path("name").asText()).isEqualTo("Dam");
            assertThat(location.path("address").asText()).isEqualTo("Dam 1, Amsterdam");
        }

        @Test
        void sendsContactsAsAnArrayWithFormattedNames() throws IOException {
            JsonNode body = sendAndCapture(new MessageContent.Contacts(List.of(
                    new MessageContent.Contact("Ann Smith", List.of("+31612345670")))));

            assertThat(body.path("type").asText()).isEqualTo("contacts");
            JsonNode contact = body.path("contacts").path(0);
            assertThat(body.path("contacts").isArray()).isTrue();
            assertThat(contact.path("name").path("formatted_name").asText()).isEqualTo("Ann Smith");
            assertThat(contact.path("phones").path(0).path("phone").asText()).isEqualTo("+31612345670");
        }

        @Test
        void sendsReaction() throws IOException {
            JsonNode body = sendAndCapture(new MessageContent.Reaction("wamid.original", "\uD83D\uDC4D"));

            assertThat(body.path("reaction").path("message_id").asText()).isEqualTo("wamid.original");
            assertThat(body.path("reaction").path("emoji").asText()).isEqualTo("\uD83D\uDC4D");
        }

        @Test
        void sendsButtonsAsInteractiveReplyButtons() throws IOException {
            JsonNode body = sendAndCapture(new MessageContent.Buttons("Appointment", "Keep Tuesday 10:00?", "Booqing",
                    List.of(new MessageContent.Button("yes", "Yes"), new MessageContent.Button("no", "No"))));

            assertThat(body.path("type").asText()).isEqualTo("interactive");
            JsonNode interactive = body.path("interactive");
            assertThat(interactive.path("type").asText()).isEqualTo("button");
            assertThat(interactive.path("header").path("type").asText()).isEqualTo("text");
            assertThat(interactive.path("header").path("text").asText()).isEqualTo("Appointment");
            assertThat(interactive.path("body").path("text").asText()).isEqualTo("Keep Tuesday 10:00?");
            assertThat(interactive.path("footer").path("text").asText()).isEqualTo("Booqing");
            JsonNode first = interactive.path("action").path("buttons").path(0);
            assertThat(first.path("type").asText()).isEqualTo("reply");
            assertThat(first.path("reply").path("id").asText()).isEqualTo("yes");
            assertThat(first.path("reply").path("title").asText()).isEqualTo("Yes");
            assertThat(interactive.path("action").path("buttons")).hasSize(2);
        }

        @Test
        void sendsListAsInteractiveList() throws IOException {
            JsonNode body = sendAndCapture(new MessageContent.ListMessage(null, "Pick a time", null, "Times",
                    List.of(new MessageContent.Section("Tuesday", List.of(
                            new MessageContent.Row("t10", "10:00", "with Anna"))))));

            JsonNode interactive = body.path("interactive");
            assertThat(interactive.path("type").asText()).isEqualTo("list");
            assertThat(interactive.has("header")).isFalse();
            assertThat(interactive.path("action").path("button").asText()).isEqualTo("Times");
            JsonNode section = interactive.path("action").path("sections").path(0);
            assertThat(section.path("title").asText()).isEqualTo("Tuesday");
            assertThat(section.path("rows").path(0).path("id").asText()).isEqualTo("t10");
            assertThat(section.path("rows").path(0).path("description").asText()).isEqualTo("with Anna");
        }

        @Test
        void sendsTemplateWithLanguageCodeAndComponentsAsGiven() throws IOException {
            List<Map<String, Object>> components = List.of(Map.of("type", "body",
                    "parameters", List.of(Map.of("type", "text", "text", "Anna"))));
            JsonNode body = sendAndCapture(new MessageContent.Template("appointment_reminder", "nl", components));

            JsonNode template = body.path("template");
            assertThat(template.path("name").asText()).isEqualTo("appointment_reminder");
            assertThat(template.path("language").path("code").asText()).isEqualTo("nl");
            assertThat(template.path("components").path(0).path("parameters").path(0).path("text").asText())
                    .isEqualTo("Anna");
        }

        @Test
        void refusesMediaWithoutLinkOrIdWithoutCallingTheProvider() {
            SendOutcome outcome = adapter.send(endpoint, TOKEN,
                    Fixtures.command(Fixtures.RECIPIENT, new MessageContent.Image(null, null, null, "x")), TIMEOUT);

            assertThat(outcome).isInstanceOf(SendOutcome.Failed.class);
            assertThat(((SendOutcome.Failed) outcome).code()).isEqualTo("invalid_content");
            assertThat(((SendOutcome.Failed) outcome).retryable()).isFalse();
            assertThat(server.requests()).isEmpty();
        }

        @Test
        void refusesInboundOnlyKinds() {
            assertThat(adapter.capabilities()).doesNotContain("button_reply", "list_reply", "poll_vote", "unsupported");
            SendOutcome outcome = adapter.send(endpoint, TOKEN,
                    Fixtures.command(Fixtures.RECIPIENT, new MessageContent.ButtonReply("yes", "Yes")), TIMEOUT);

            assertThat(((SendOutcome.Failed) outcome).code()).isEqualTo("invalid_content");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Nested
    class ErrorMapping {

        private SendOutcome.Failed failedWith(int status, String body, Map<String, String> headers) {
            server.answer(new StubHttpServer.Answer(status, body, headers, Duration.ZERO));
            SendOutcome outcome = adapter.send(endpoint, TOKEN, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);
            assertThat(outcome).isInstanceOf(SendOutcome.Failed.class);
            return (SendOutcome.Failed) outcome;
        }

        private String graphError(int code, String message) {
            return "{\"error\":{\"message\":\"(#" + code + ") " + message + "\",\"type\":\"OAuthException\",\"code\":"
                    + code + ",\"error_data\":{\"messaging_product\":\"whatsapp\",\"details\":\"" + message
                    + "\"},\"fbtrace_id\":\"AbC123\"}}";
        }

        @Test
        void expiredTokenIsPermanentAndNeverEchoesTheToken() {
            SendOutcome.Failed f = failedWith(401, graphError(190, "Error validating access token"), Map.of());

            assertThat(f.code()).isEqualTo("190");
            assertThat(f.retryable()).isFalse();
            assertThat(f.certainlyNotSent()).isTrue();
            assertThat(f.reason()).contains("access token").doesNotContain(TOKEN);
        }

        @Test
        void invalidParameterAndUndeliverableAndReengagementArePermanent() {
            for (int code : new int[]{100, 131008, 131009, 131026, 131047}) {
                SendOutcome.Failed f = failedWith(400, graphError(code, "Problem"), Map.of());
                assertThat(f.code()).isEqualTo(Integer.toString(code));
                assertThat(f.retryable()).as("code %d", code).isFalse();
            }
        }

        @Test
        void rateLimitsAreRetryableWithRetryAfter() {
            for (int code : new int[]{130429, 4, 80007}) {
                SendOutcome.Failed f = failedWith(429, graphError(code, "Rate limit hit"), Map.of("Retry-After", "7"));
                assertThat(f.code()).isEqualTo(Integer.toString(code));
                assertThat(f.retryable()).isTrue();
                assertThat(f.certainlyNotSent()).isTrue();
                assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(7));
            }
        }

        @Test
        void rateLimitCodeOnA400IsRetryable() {
            SendOutcome.Failed f = failedWith(400, graphError(130429, "Rate limit hit"), Map.of());

            assertThat(f.retryable()).isTrue();
            assertThat(f.retryAfter()).isNull();
        }

        @Test
        void serverErrorsAreRetryableButMayHaveSent() {
            SendOutcome.Failed f = failedWith(500, "<html>oops</html>", Map.of());

            assertThat(f.code()).isEqualTo("http_500");
            assertThat(f.retryable()).isTrue();
            assertThat(f.certainlyNotSent()).isFalse();
            assertThat(f.allowsFailover()).isFalse();
        }

        @Test
        void serviceUnavailableRefusedTheWorkSoAnotherEndpointMayTakeIt() {
            SendOutcome.Failed f = failedWith(503, graphError(131016, "Service unavailable"), Map.of());

            assertThat(f.code()).isEqualTo("131016");
            assertThat(f.retryable()).isTrue();
            assertThat(f.allowsFailover()).isTrue();
        }

        @Test
        void pairRateLimitIsTheRecipientsNotTheEndpoints() {
            SendOutcome.Failed f = failedWith(400, graphError(131056, "Pair rate limit hit"), Map.of());

            assertThat(f.cause()).isEqualTo(SendOutcome.Cause.RECIPIENT_RATE);
            assertThat(f.retryable()).isTrue();
            assertThat(f.allowsFailover()).isFalse();
        }

        @Test
        void redirectIsNotFollowed() {
            SendOutcome.Failed f = failedWith(302, "", Map.of("Location", "http://127.0.0.1:1/elsewhere"));

            assertThat(f.code()).isEqualTo("unexpected_redirect");
            assertThat(server.requests()).hasSize(1);
        }

        @Test
        void connectionRefusedIsCertainlyNotSent() throws IOException {
            int closedPort;
            try (ServerSocket s = new ServerSocket(0)) {
                closedPort = s.getLocalPort();
            }
            Endpoint dark = Fixtures.cloudEndpoint(box, "ep_dark", "http://127.0.0.1:" + closedPort, TOKEN, true);

            SendOutcome outcome = adapter.send(dark, TOKEN, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);

            assertThat(outcome).isInstanceOf(SendOutcome.Failed.class);
            SendOutcome.Failed f = (SendOutcome.Failed) outcome;
            assertThat(f.code()).isEqualTo("connection_refused");
            assertThat(f.retryable()).isTrue();
            assertThat(f.certainlyNotSent()).isTrue();
        }

        @Test
        void timeoutAfterTheRequestWasSentIsAmbiguous() {
            server.answer(new StubHttpServer.Answer(200, OK, Map.of(), Duration.ofSeconds(2)));

            SendOutcome outcome = adapter.send(endpoint, TOKEN, Fixtures.text(Fixtures.RECIPIENT, "hi"),
                    Duration.ofMillis(300));

            assertThat(outcome).isInstanceOf(SendOutcome.Ambiguous.class);
            assertThat(server.requests()).hasSize(1);
        }

        @Test
        void bodyTricklingInPastTheTimeoutIsAmbiguousAndEndsTheCall() throws Exception {
            try (ServerSocket trickle = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                Thread serving = new Thread(() -> trickleOneAnswer(trickle), "trickling-server");
                serving.setDaemon(true);
                serving.start();
                Endpoint slow = Fixtures.cloudEndpoint(box, "ep_slow", "http://127.0.0.1:" + trickle.getLocalPort(),
                        TOKEN, true);
                long start = System.nanoTime();

                SendOutcome outcome = adapter.send(slow, TOKEN, Fixtures.text(Fixtures.RECIPIENT, "hi"),
                        Duration.ofMillis(300));

                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(outcome).isInstanceOf(SendOutcome.Ambiguous.class);
                assertThat(((SendOutcome.Ambiguous) outcome).reason()).contains("no complete answer");
                // the timeout plus the body's grace, not the ten seconds the body would take
                assertThat(took).isLessThan(Duration.ofMillis(300).plus(ProviderHttp.BODY_GRACE).plusSeconds(2));
            }
        }

        @Test
        void hugeAnswerIsCutAtTheLimitWithoutReadingTheRest() throws Exception {
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.CountDownLatch hungUp = new java.util.concurrent.CountDownLatch(1);
            try (ServerSocket huge = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                Thread serving = new Thread(() -> answerFiftyMegabytes(huge, written, hungUp), "huge-answer-server");
                serving.setDaemon(true);
                serving.start();
                Endpoint big = Fixtures.cloudEndpoint(box, "ep_big", "http://127.0.0.1:" + huge.getLocalPort(),
                        TOKEN, true);

                SendOutcome outcome = adapter.send(big, TOKEN, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);

                assertThat(outcome).isInstanceOf(SendOutcome.Failed.class); // a 500 whose body is not JSON
                assertThat(hungUp.await(10, java.util.concurrent.TimeUnit.SECONDS))
                        .as("the client dropped the connection").isTrue();
                // What the socket buffers took before the client hung up, not the 50 MB the server had to give.
                assertThat(written.get()).isLessThan(16L * 1024 * 1024);
            }
        }

        private void answerFiftyMegabytes(ServerSocket server, java.util.concurrent.atomic.AtomicLong written,
                                          java.util.concurrent.CountDownLatch hungUp) {
            long size = 50L * 1024 * 1024;
            try (java.net.Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                java.io.InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.append((char) b);
                }
                java.io.OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: " + size
                        + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'x');
                while (written.get() < size) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                hungUp.countDown(); // the client closed the connection: the write failed
            }
        }

        /** Answers one request with its head at once, then one body byte every 100 ms, for at most 10 s. */
        private void trickleOneAnswer(ServerSocket server) {
            try (java.net.Socket s = server.accept()) {
                s.setSoTimeout(5_000);
                java.io.InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.append((char) b);
                }
                java.io.OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
                for (int i = 0; i < 99; i++) {
                    Thread.sleep(100);
                    out.write(' ');
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the client hung up, as it should
            }
        }

        @Test
        void successWithoutMessageIdIsAmbiguous() {
            server.answer(200, "{\"messaging_product\":\"whatsapp\"}");

            SendOutcome outcome = adapter.send(endpoint, TOKEN, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);

            assertThat(outcome).isInstanceOf(SendOutcome.Ambiguous.class);
        }

        @Test
        void refusesPathInjectionInEndpointSettings() {
            Endpoint odd = new Endpoint("ep_odd", Fixtures.TENANT, "odd", endpoint.provider(), server.baseUrl(),
                    "v23.0", "../../admin", null, null, endpoint.apiKey(), null, null, true, true, 1, null, null);

            SendOutcome outcome = adapter.send(odd, TOKEN, Fixtures.text(Fixtures.RECIPIENT, "hi"), TIMEOUT);

            assertThat(((SendOutcome.Failed) outcome).code()).isEqualTo("endpoint_misconfigured");
            assertThat(server.requests()).isEmpty();
        }
    }
}
