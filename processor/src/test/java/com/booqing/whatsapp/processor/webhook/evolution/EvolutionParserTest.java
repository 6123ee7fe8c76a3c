package com.booqing.whatsapp.processor.webhook.evolution;

import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.event.UnknownEvent;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.processor.webhook.LidLink;
import com.booqing.whatsapp.processor.webhook.ParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static com.booqing.whatsapp.processor.testing.Fixtures.EVOLUTION_ENDPOINT;
import static com.booqing.whatsapp.processor.testing.Fixtures.RECEIVED;
import static com.booqing.whatsapp.processor.testing.Fixtures.TENANT;
import static com.booqing.whatsapp.processor.testing.Fixtures.evolution;
import static com.booqing.whatsapp.processor.testing.Fixtures.rawEvolution;
import static org.assertj.core.api.Assertions.assertThat;

class EvolutionParserTest {
    private static final String CDN = "https://mmg.whatsapp.net/v/t62.";
    private final EvolutionParser parser = new EvolutionParser();

    private ParseResult parse(String fixture) {
        ParseResult result = parser.parse(rawEvolution("req-1", evolution(fixture)));
        assertThat(result.problems()).isEmpty();
        return result;
    }

    private Envelope only(String fixture) {
        ParseResult result = parse(fixture);
        assertThat(result.events()).hasSize(1);
        return result.events().get(0);
    }

    private InboundMessage message(String fixture) {
        return (InboundMessage) only(fixture).payload();
    }

    private MessageContent contentOf(String fixture) {
        return message(fixture).content();
    }

    private String unknownEvent(String fixture) {
        return ((UnknownEvent) only(fixture).payload()).providerEvent();
    }

    @Test
    void readsTextUpsertWithSenderTimeAndIds() {
        Envelope e = only("upsert-text.json");

        InboundMessage m = (InboundMessage) e.payload();
        assertThat(e.eventId()).isEqualTo(EventIds.eventId(TENANT, "evolution", "salon-main", "message",
                "3EB0A0C1D2E3F4A5B6C7"));
        assertThat(m.messageId()).isEqualTo(EventIds.inboundMessageId(TENANT, "3EB0A0C1D2E3F4A5B6C7"));
        assertThat(m.providerMessageId()).isEqualTo("3EB0A0C1D2E3F4A5B6C7");
        assertThat(m.provider()).isEqualTo(ProviderType.EVOLUTION);
        assertThat(m.endpointId()).isEqualTo(EVOLUTION_ENDPOINT);
        assertThat(m.phone()).isEqualTo("+5511999999999");
        assertThat(m.lid()).isNull();
        assertThat(m.contactName()).isEqualTo("João Silva");
        assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1761057639L));
        assertThat(m.content()).isEqualTo(new MessageContent.Text("Olá, quero marcar um horário", null));
    }

    @Test
    void readsExtendedText() {
        assertThat(contentOf("upsert-extended-text.json"))
                .isEqualTo(new MessageContent.Text("https://booqing.example/s/123 is this you?", null));
    }

    @Test
    void readsImageWithCdnUrlKeyIdMimeTypeAndCaption() {
        MessageContent.Image image = (MessageContent.Image) contentOf("upsert-image.json");

        assertThat(image.url()).startsWith(CDN + "7118-24/");
        assertThat(image.mediaId()).isEqualTo("3EB0IMAGE00000000001");
        assertThat(image.mimeType()).isEqualTo("image/jpeg");
        assertThat(image.caption()).isEqualTo("Mira esta foto!");
    }

    @Test
    void prefersTheS3MediaUrl() {
        assertThat(((MessageContent.Image) contentOf("upsert-image-s3.json")).url())
                .startsWith("https://s3.example.com/evolution/");
    }

    @Test
    void readsVideoVoiceDocumentAndSticker() {
        assertThat(contentOf("upsert-video.json")).isEqualTo(new MessageContent.Video(
                CDN + "7161-24/enc", "3EB0VIDEO00000000001", "video/mp4", "our new salon"));
        assertThat(contentOf("upsert-audio-ptt.json")).isEqualTo(new MessageContent.Audio(
                CDN + "7117-24/enc", "3EB0AUDIO00000000001", "audio/ogg; codecs=opus", true));
        assertThat(contentOf("upsert-document.json")).isEqualTo(new MessageContent.Document(
                CDN + "7119-24/enc", "3EB0DOC0000000000001", "application/pdf", "my invoice",
                "invoice-2025-10.pdf"));
        assertThat(contentOf("upsert-sticker.json")).isEqualTo(new MessageContent.Sticker(
                CDN + "15575-24/enc", "3EB0STICKER000000001", "image/webp"));
    }

    @Test
    void readsLocation() {
        assertThat(contentOf("upsert-location.json")).isEqualTo(new MessageContent.Location(-23.5505199,
                -46.6333094, "Praça da Sé", "Sé, São Paulo - SP"));
    }

    @Test
    void readsContactCardsByFnAndTel() {
        MessageContent.Contact maria = new MessageContent.Contact("Maria Souza", List.of("+5511977776666"));

        assertThat(contentOf("upsert-contact.json")).isEqualTo(new MessageContent.Contacts(List.of(maria)));
        assertThat(contentOf("upsert-contacts-array.json")).isEqualTo(new MessageContent.Contacts(List.of(maria,
                new MessageContent.Contact("Pedro Lima", List.of("+5521988887777")))));
    }

    @Test
    void readsReactionToTheMessageItsKeyNames() {
        assertThat(contentOf("upsert-reaction.json")).isEqualTo(new MessageContent.Reaction("BAE5F2EF5C69001E", "👍"));
    }

    @Test
    void readsListButtonAndTemplateButtonReplies() {
        assertThat(contentOf("upsert-list-response.json")).isEqualTo(new MessageContent.ListReply(
                "slot-2025-10-24T10:00", "Friday 10:00", "Haircut with Ana"));
        assertThat(contentOf("upsert-buttons-response.json"))
                .isEqualTo(new MessageContent.ButtonReply("confirm-123", "Confirm"));
        assertThat(contentOf("upsert-template-button-reply.json"))
                .isEqualTo(new MessageContent.ButtonReply("reschedule-123", "Reschedule"));
    }

    @Test
    void keepsKindsItDoesNotModelAsUnsupportedMessages() {
        assertThat(contentOf("upsert-poll-creation.json"))
                .isEqualTo(new MessageContent.Unsupported("pollCreationMessageV3"));
    }

    @Test
    void unwrapsEphemeralAndViewOnceMessages() {
        String body = """
                {"event":"messages.upsert","instance":"salon-main","data":{"key":{"remoteJid":"5511999999999@s.whatsapp.net",
                "fromMe":false,"id":"3EB0EPH"},"messageType":"ephemeralMessage","messageTimestamp":1761057639,
                "message":{"ephemeralMessage":{"message":{"viewOnceMessageV2":{"message":{"imageMessage":
                {"url":"https://mmg.whatsapp.net/x","mimetype":"image/jpeg"}}}}}}}}
                """;
        InboundMessage m = (InboundMessage) parser.parse(rawEvolution("r", body.getBytes(StandardCharsets.UTF_8)))
                .events().get(0).payload();

        assertThat(m.content()).isEqualTo(new MessageContent.Image("https://mmg.whatsapp.net/x", "3EB0EPH",
                "image/jpeg", null));
    }

    @Test
    void keepsMessagesSentFromThePhoneAsUnknownEvents() {
        assertThat(unknownEvent("upsert-from-me.json")).isEqualTo("messages.upsert:fromMe");
    }

    @ParameterizedTest
    @CsvSource({"upsert-lid-sender-pn.json", "upsert-lid-remote-jid-alt.json"})
    void readsLidWithItsPhoneAndLinksThem(String fixture) {
        ParseResult result = parse(fixture);

        InboundMessage m = (InboundMessage) result.events().get(0).payload();
        assertThat(m.phone()).isEqualTo("+554599037399");
        assertThat(m.lid()).isEqualTo("132985256960177");
        assertThat(m.contactName()).isEqualTo("Caroline Paiva");
        assertThat(result.links()).containsExactly(new LidLink("132985256960177", "+554599037399"));
    }

    @Test
    void readsLidOnlyMessageWithoutPhone() {
        ParseResult result = parse("upsert-lid-only.json");

        InboundMessage m = (InboundMessage) result.events().get(0).payload();
        assertThat(m.phone()).isNull();
        assertThat(m.lid()).isEqualTo("132985256960177");
        assertThat(result.links()).isEmpty();
    }

    @Test
    void makesTheGroupTheConversationAndLinksTheParticipant() {
        ParseResult result = parse("upsert-group.json");

        InboundMessage m = (InboundMessage) result.events().get(0).payload();
        assertThat(m.phone()).isEqualTo("120363025246125486@g.us");
        assertThat(result.links()).containsExactly(new LidLink("132985256960177", "+554599037399"));
    }

    @Test
    void doesNotLinkTheSendersNumberToTheChatOfOwnMessages() {
        String body = """
                {"event":"messages.upsert","instance":"salon-main","data":{"key":{"remoteJid":"132985256960177@lid",
                "fromMe":true,"id":"3EB0OWN","senderPn":"5511988887777@s.whatsapp.net"},"message":{"conversation":"hi"}}}
                """;
        ParseResult result = parser.parse(rawEvolution("r", body.getBytes(StandardCharsets.UTF_8)));

        assertThat(result.links()).isEmpty();
    }

    @Test
    void keepsStatusBroadcastsAsUnknownEvents() {
        assertThat(unknownEvent("upsert-status-broadcast.json")).isEqualTo("messages.upsert:not-a-conversation");
    }

    @ParameterizedTest
    @CsvSource({
            "update-server-ack.json, SENT",
            "update-delivery-ack.json, DELIVERED",
            "update-read.json, READ",
            "update-played.json, PLAYED",
            "update-error.json, FAILED",
    })
    void mapsUpdatesOfOurMessagesToStatuses(String fixture, MessageStatus expected) {
        Envelope e = only(fixture);

        MessageStatusUpdate u = (MessageStatusUpdate) e.payload();
        assertThat(u.status()).isEqualTo(expected);
        assertThat(u.providerMessageId()).isEqualTo("BAE5F2EF5C69001E");
        assertThat(u.messageId()).as("Evolution's messageId is its database id, not ours").isNull();
        assertThat(u.recipient()).isEqualTo("+5511999999999");
        assertThat(u.timestamp()).isEqualTo(RECEIVED);
        assertThat(e.eventId()).isEqualTo(EventIds.eventId(TENANT, "evolution", "salon-main", "BAE5F2EF5C69001E",
                expected.wireName()));
    }

    @ParameterizedTest
    @CsvSource({
            "update-pending.json, messages.update:PENDING",
            "update-deleted.json, messages.update:DELETED",
            "update-inbound-read.json, messages.update:inbound",
            "update-poll.json, messages.update:poll",
    })
    void keepsUpdatesThatMoveNothingOfOursAsUnknownEvents(String fixture, String providerEvent) {
        assertThat(unknownEvent(fixture)).isEqualTo(providerEvent);
    }

    @Test
    void treatsTheSendEchoAsSentUnderTheServerAcksEventId() {
        Envelope echo = only("send-message.json");
        Envelope serverAck = only("update-server-ack.json");

        MessageStatusUpdate u = (MessageStatusUpdate) echo.payload();
        assertThat(u.status()).isEqualTo(MessageStatus.SENT);
        assertThat(u.providerMessageId()).isEqualTo("BAE5F2EF5C69001E");
        assertThat(u.timestamp()).isEqualTo(Instant.ofEpochSecond(1761057650L));
        assertThat(echo.eventId()).isEqualTo(serverAck.eventId());
    }

    @ParameterizedTest
    @CsvSource({
            "connection-open.json, CONNECTED, open (200)",
            "connection-connecting.json, CONNECTING, connecting (200)",
            "connection-close.json, DISCONNECTED, close (428)",
            "connection-close-logged-out.json, ERROR, close (401)",
            "connection-refused.json, ERROR, refused (428)",
    })
    void mapsConnectionUpdatesToDeviceEvents(String fixture, DeviceStatus expected, String providerStatus) {
        DeviceEvent d = (DeviceEvent) only(fixture).payload();

        assertThat(d.status()).isEqualTo(expected);
        assertThat(d.providerStatus()).isEqualTo(providerStatus);
        assertThat(d.endpointId()).isEqualTo(EVOLUTION_ENDPOINT);
        assertThat(d.deviceId()).isNull();
        assertThat(d.at()).isEqualTo(RECEIVED);
    }

    @Test
    void explainsLoggedOutInstances() {
        assertThat(((DeviceEvent) only("connection-close-logged-out.json").payload()).reason())
                .isEqualTo("logged out: new QR scan needed");
    }

    @Test
    void carriesTheQrCodeStringAndPairingCodeNotTheImage() {
        DeviceEvent d = (DeviceEvent) only("qrcode-updated.json").payload();

        assertThat(d.status()).isEqualTo(DeviceStatus.PAIRING);
        assertThat(d.qrCode()).startsWith("2@y8eK+bjtEjUWy9").doesNotContain("data:image");
        assertThat(d.pairingCode()).isEqualTo("WZYEH1YY");
    }

    @Test
    void reportsTheQrLimitAsAnError() {
        DeviceEvent d = (DeviceEvent) only("qrcode-limit.json").payload();

        assertThat(d.status()).isEqualTo(DeviceStatus.ERROR);
        assertThat(d.reason()).isEqualTo("QR code limit reached, please login again");
    }

    @Test
    void identifiesDeviceEventsByInstanceDateTimeAndState() {
        Envelope open = only("connection-open.json");
        Envelope again = only("connection-open.json");
        Envelope close = only("connection-close.json");

        assertThat(open.eventId()).isEqualTo(again.eventId()).isNotEqualTo(close.eventId());
    }

    @ParameterizedTest
    @CsvSource({"contacts-update.json, contacts.update", "presence-update.json, presence.update"})
    void keepsEventsItDoesNotModelWithoutTheInstanceToken(String fixture, String event) {
        Envelope e = only(fixture);

        UnknownEvent u = (UnknownEvent) e.payload();
        assertThat(u.providerEvent()).isEqualTo(event);
        assertThat(u.rawJson()).contains("salon-main").doesNotContain("apikey", "B6D711FCDE4D4FD5936544120E713976");
        assertThat(only(fixture).eventId()).as("a retry carries the same bytes").isEqualTo(e.eventId());
    }

    @Test
    void acceptsTheUpperSnakeEventSpelling() {
        String body = new String(evolution("upsert-text.json"), StandardCharsets.UTF_8)
                .replace("\"messages.upsert\"", "\"MESSAGES_UPSERT\"");

        assertThat(parser.parse(rawEvolution("r", body.getBytes(StandardCharsets.UTF_8))).events())
                .singleElement().satisfies(e -> assertThat(e.type()).isEqualTo("message.received"));
    }

    @Test
    void reportsItemsWithoutAKeyId() {
        String body = "{\"event\":\"messages.upsert\",\"instance\":\"x\",\"data\":{\"key\":{}}}";

        assertThat(parser.parse(rawEvolution("r", body.getBytes(StandardCharsets.UTF_8))).problems())
                .containsExactly("data: missing key.id");
    }
}
