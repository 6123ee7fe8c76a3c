package com.booqing.whatsapp.processor.webhook.cloudapi;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.event.UnknownEvent;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.processor.webhook.ParseResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static com.booqing.whatsapp.processor.testing.Fixtures.ENDPOINT;
import static com.booqing.whatsapp.processor.testing.Fixtures.RECEIVED;
import static com.booqing.whatsapp.processor.testing.Fixtures.TENANT;
import static com.booqing.whatsapp.processor.testing.Fixtures.cloudApi;
import static com.booqing.whatsapp.processor.testing.Fixtures.rawCloudApi;
import static org.assertj.core.api.Assertions.assertThat;

class CloudApiParserTest {
    private final CloudApiParser parser = new CloudApiParser();

    private ParseResult parse(String fixture) {
        return parser.parse(rawCloudApi("req-1", cloudApi(fixture)));
    }

    private InboundMessage onlyMessage(String fixture) {
        ParseResult result = parse(fixture);
        assertThat(result.problems()).isEmpty();
        assertThat(result.events()).hasSize(1);
        return (InboundMessage) result.events().get(0).payload();
    }

    private MessageContent contentOf(String fixture) {
        return onlyMessage(fixture).content();
    }

    @Test
    void readsTextMessageWithSenderIdentityAndIds() {
        ParseResult result = parse("text-message.json");

        Envelope e = result.events().get(0);
        InboundMessage m = (InboundMessage) e.payload();
        String wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=";
        assertThat(e.eventId()).isEqualTo(EventIds.eventId(TENANT, "cloud-api", wamid));
        assertThat(e.tenantId()).isEqualTo(TENANT);
        assertThat(e.source()).isEqualTo("req-1");
        assertThat(e.occurredAt()).isEqualTo(Instant.ofEpochSecond(1749416383L));
        assertThat(m.messageId()).isEqualTo(EventIds.inboundMessageId(TENANT, wamid));
        assertThat(m.providerMessageId()).isEqualTo(wamid);
        assertThat(m.endpointId()).isEqualTo(ENDPOINT);
        assertThat(m.provider()).isEqualTo(ProviderType.CLOUD_API);
        assertThat(m.phone()).isEqualTo("+16505551234");
        assertThat(m.contactName()).isEqualTo("Sheena Nelson");
        assertThat(m.content()).isEqualTo(new MessageContent.Text("Does it come in another color?", null));
        assertThat(m.replyTo()).isNull();
    }

    @Test
    void keepsTheMessageBeingRepliedTo() {
        assertThat(onlyMessage("text-reply-with-context.json").replyTo())
                .isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA9wcm9kdWN0X2lucXVpcnkA");
    }

    @Test
    void readsImageWithMediaIdMimeTypeAndCaption() {
        assertThat(contentOf("image-message.json"))
                .isEqualTo(new MessageContent.Image(null, "1003383421387256", "image/jpeg", "Taj Mahal"));
    }

    @Test
    void keepsMediaUrlWhenTheWebhookCarriesOne() {
        MessageContent.Image image = (MessageContent.Image) contentOf("image-message-with-url.json");
        assertThat(image.url()).startsWith("https://lookaside.fbsbx.com/");
        assertThat(image.mediaId()).isEqualTo("65463453");
    }

    @Test
    void readsVideoDocumentAudioVoiceAndSticker() {
        assertThat(contentOf("video-message.json"))
                .isEqualTo(new MessageContent.Video(null, "765756756", "video/mp4", "caption"));
        assertThat(contentOf("document-message.json")).isEqualTo(new MessageContent.Document(null,
                "1234567890987654321", "application/pdf", "caption", "filename.pdf"));
        assertThat(contentOf("audio-message.json"))
                .isEqualTo(new MessageContent.Audio(null, "1234567890987654321", "audio/ogg; codecs=opus", false));
        assertThat(contentOf("voice-message.json"))
                .isEqualTo(new MessageContent.Audio(null, "1234567890987654321", "audio/ogg; codecs=opus", true));
        assertThat(contentOf("sticker-message.json"))
                .isEqualTo(new MessageContent.Sticker(null, "1234567890987654321", "image/webp"));
    }

    @Test
    void readsLocation() {
        assertThat(contentOf("location-message.json")).isEqualTo(new MessageContent.Location(37.44221496582,
                -122.16165924072, "Philz Coffee", "101 Forest Ave, Palo Alto, CA 94301"));
    }

    @Test
    void readsSharedContactsWithNumbersInE164() {
        assertThat(contentOf("contacts-message.json")).isEqualTo(new MessageContent.Contacts(
                List.of(new MessageContent.Contact("Lucía Gómez", List.of("+19835552319")))));
    }

    @Test
    void readsReactionAndItsRemoval() {
        assertThat(contentOf("reaction-message.json")).isEqualTo(new MessageContent.Reaction(
                "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA", "👍"));
        assertThat(contentOf("reaction-removed-message.json"))
                .isEqualTo(new MessageContent.Reaction("wamid.yzxyzx=", ""));
    }

    @Test
    void readsInteractiveButtonAndListReplies() {
        assertThat(contentOf("interactive-button-reply.json"))
                .isEqualTo(new MessageContent.ButtonReply("cancel-button", "Cancel"));
        assertThat(contentOf("interactive-list-reply.json")).isEqualTo(new MessageContent.ListReply(
                "priority_express", "Priority Mail Express", "Next Day to 2 Days"));
    }

    @Test
    void readsTemplateQuickReplyAsButtonReplyWithPayloadAsId() {
        assertThat(contentOf("template-button-reply.json"))
                .isEqualTo(new MessageContent.ButtonReply("Unsubscribe", "Unsubscribe"));
    }

    @ParameterizedTest
    @CsvSource({
            "unsupported-message.json, unsupported",
            "order-message.json, order",
            "system-message.json, system"})
    void keepsTypesItDoesNotModelAsUnsupported(String fixture, String providerType) {
        assertThat(contentOf(fixture)).isEqualTo(new MessageContent.Unsupported(providerType));
    }

    @Test
    void systemMessageWithoutContactsHasNoContactName() {
        InboundMessage m = onlyMessage("system-message.json");
        assertThat(m.contactName()).isNull();
        assertThat(m.phone()).isEqualTo("+16505551234");
    }

    @ParameterizedTest
    @CsvSource({"sent, SENT", "delivered, DELIVERED", "read, READ", "played, PLAYED", "failed, FAILED"})
    void readsEachStatusAsStatusUpdate(String word, MessageStatus status) {
        ParseResult result = parse("status-" + word + ".json");

        assertThat(result.problems()).isEmpty();
        Envelope e = result.events().get(0);
        MessageStatusUpdate u = (MessageStatusUpdate) e.payload();
        assertThat(u.status()).isEqualTo(status);
        assertThat(u.providerMessageId()).isEqualTo("wamid.xyzxyz");
        assertThat(u.messageId()).isNull();
        assertThat(u.recipient()).isEqualTo("+972987654321");
        assertThat(u.endpointId()).isEqualTo(ENDPOINT);
        assertThat(e.eventId()).isEqualTo(EventIds.eventId(TENANT, "cloud-api", "wamid.xyzxyz", word));
    }

    @Test
    void anEmptyProfileNameIsNoContactName() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode body = (ObjectNode) json.readTree(cloudApi("text-message.json"));
        ((ObjectNode) body.at("/entry/0/changes/0/value/contacts/0/profile")).put("name", "");

        ParseResult result = parser.parse(rawCloudApi("req-empty-name", json.writeValueAsBytes(body)));

        assertThat(((InboundMessage) result.events().get(0).payload()).contactName()).isNull();
    }

    @Test
    void keepsTheGatewayMessageIdTheSenderPutInCallbackData() {
        MessageStatusUpdate u = statusWithCallbackData("msg_5f1c0a9e2b7d4c3a8e6f1b2c3d4e5f60");

        assertThat(u.messageId()).isEqualTo("msg_5f1c0a9e2b7d4c3a8e6f1b2c3d4e5f60");
        assertThat(u.providerMessageId()).isEqualTo("wamid.xyzxyz");
    }

    @ParameterizedTest
    @CsvSource({"outbox:local-id", "msg_", "msg_with spaces", "'{\"originator\":\"bizai\"}'"})
    void ignoresCallbackDataThatIsNotAGatewayMessageId(String data) {
        assertThat(statusWithCallbackData(data).messageId()).isNull();
    }

    /** status-delivered.json as Meta sends it for a message sent with biz_opaque_callback_data. */
    private MessageStatusUpdate statusWithCallbackData(String data) {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode body = (ObjectNode) json.readTree(cloudApi("status-delivered.json"));
            ((ObjectNode) body.at("/entry/0/changes/0/value/statuses/0")).put("biz_opaque_callback_data", data);
            ParseResult result = parser.parse(rawCloudApi("req-cb", json.writeValueAsBytes(body)));
            assertThat(result.problems()).isEmpty();
            return (MessageStatusUpdate) result.events().get(0).payload();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void failedStatusCarriesFirstErrorCodeAndTitle() {
        MessageStatusUpdate u = (MessageStatusUpdate) parse("status-failed.json").events().get(0).payload();
        assertThat(u.errorCode()).isEqualTo("130472");
        assertThat(u.errorTitle()).isEqualTo("User's number is part of an experiment");
        assertThat(u.timestamp()).isEqualTo(Instant.ofEpochSecond(1689380458L));
    }

    @Test
    void splitsBatchIntoOneEventPerMessageAndStatus() {
        ParseResult result = parse("batch-entries-and-statuses.json");

        assertThat(result.problems()).isEmpty();
        assertThat(result.events()).extracting(Envelope::type)
                .containsExactly("message.received", "message.received", "message.status", "message.status",
                        "message.status");
        assertThat(result.events()).extracting(Envelope::eventId).doesNotHaveDuplicates();
    }

    @Test
    void keepsValueErrorsAsUnknownEvents() {
        ParseResult result = parse("errors-webhook.json");

        UnknownEvent u = (UnknownEvent) result.events().get(0).payload();
        assertThat(u.providerEvent()).isEqualTo("errors");
        assertThat(u.rawJson()).contains("130429");
        assertThat(result.events().get(0).occurredAt()).isEqualTo(RECEIVED);
    }

    @Test
    void keepsOtherWebhookFieldsAsUnknownEvents() {
        ParseResult result = parse("group-lifecycle-update.json");

        UnknownEvent u = (UnknownEvent) result.events().get(0).payload();
        assertThat(u.providerEvent()).isEqualTo("group_lifecycle_update");
        assertThat(u.rawJson()).contains("group_create");
    }

    @Test
    void theSameWebhookAlwaysYieldsTheSameEventIds() {
        byte[] body = cloudApi("batch-entries-and-statuses.json");
        List<String> first = parser.parse(rawCloudApi("req-1", body)).events().stream().map(Envelope::eventId).toList();
        List<String> redelivered = parser.parse(rawCloudApi("req-2", body)).events().stream()
                .map(Envelope::eventId).toList();
        assertThat(redelivered).isEqualTo(first);
    }

    @Test
    void rejectsTruncatedJson() {
        byte[] body = cloudApi("text-message.json");
        ParseResult result = parser.parse(rawCloudApi("r", java.util.Arrays.copyOf(body, body.length / 2)));
        assertThat(result.events()).isEmpty();
        assertThat(result.problems()).singleElement().asString().startsWith("invalid JSON");
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] body = "{\"object\":\"whatsapp_business_account\",\"entry\":[\"\u00e9\"]}"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(parser.parse(rawCloudApi("r", body)).problems())
                .containsExactly("body is not valid UTF-8");
    }

    @Test
    void rejectsNestingDeeperThanTheJsonLimit() {
        String deep = "[".repeat(1000) + "]".repeat(1000);
        byte[] body = ("{\"object\":\"whatsapp_business_account\",\"entry\":" + deep + "}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parse(rawCloudApi("r", body)).problems()).singleElement().asString()
                .contains("nesting depth");
    }

    @Test
    void rejectsJsonThatIsNotACloudApiWebhook() {
        assertThat(parser.parse(rawCloudApi("r", "{\"object\":\"page\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8)))
                .problems()).containsExactly("not a Cloud API webhook: object is not whatsapp_business_account");
        assertThat(parser.parse(rawCloudApi("r", "[1,2]".getBytes(StandardCharsets.UTF_8))).problems())
                .containsExactly("not a Cloud API webhook: body is not a JSON object");
    }

    @Test
    void emitsTheGoodMessagesOfABatchAndNamesTheBadOne() {
        String body = """
                {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
                  "messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"2"},
                  "messages":[
                    {"from":"16505551234","id":"wamid.good","timestamp":"1749416383","type":"text","text":{"body":"hi"}},
                    {"from":"16505551234","timestamp":"1749416383","type":"text","text":{"body":"no id"}}]}}]}]}
                """;
        ParseResult result = parser.parse(rawCloudApi("r", body.getBytes(StandardCharsets.UTF_8)));

        assertThat(result.events()).hasSize(1);
        assertThat(result.problems()).containsExactly("entry[0].changes[0].value.messages[1]: missing id");
    }

    @Test
    void usesReceivedTimeWhenTheMessageTimestampIsMissing() {
        String body = """
                {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
                  "messages":[{"from":"16505551234","id":"wamid.t","type":"text","text":{"body":"hi"}}]}}]}]}
                """;
        Envelope e = parser.parse(rawCloudApi("r", body.getBytes(StandardCharsets.UTF_8))).events().get(0);
        assertThat(e.occurredAt()).isEqualTo(RECEIVED);
    }
}
