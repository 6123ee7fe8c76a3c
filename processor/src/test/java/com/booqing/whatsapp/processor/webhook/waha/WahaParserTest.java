package com.booqing.whatsapp.processor.webhook.waha;

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
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.processor.webhook.LidLink;
import com.booqing.whatsapp.processor.webhook.ParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.booqing.whatsapp.processor.testing.Fixtures.RECEIVED;
import static com.booqing.whatsapp.processor.testing.Fixtures.TENANT;
import static com.booqing.whatsapp.processor.testing.Fixtures.WAHA_ENDPOINT;
import static com.booqing.whatsapp.processor.testing.Fixtures.rawWaha;
import static com.booqing.whatsapp.processor.testing.Fixtures.waha;
import static org.assertj.core.api.Assertions.assertThat;

class WahaParserTest {
    private final WahaParser parser = new WahaParser();

    private ParseResult parse(String fixture) {
        ParseResult result = parser.parse(rawWaha("req-1", waha(fixture)));
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

    @Test
    void readsTextMessageWithSenderAndBareMessageId() {
        Envelope e = only("message-text.json");

        InboundMessage m = (InboundMessage) e.payload();
        assertThat(m.providerMessageId()).isEqualTo("3EB0C767D26A1D4A4D47");
        assertThat(m.messageId()).isEqualTo(EventIds.inboundMessageId(TENANT, "3EB0C767D26A1D4A4D47"));
        assertThat(m.provider()).isEqualTo(ProviderType.WAHA);
        assertThat(m.endpointId()).isEqualTo(WAHA_ENDPOINT);
        assertThat(m.phone()).isEqualTo("+16505551234");
        assertThat(m.lid()).isNull();
        assertThat(m.contactName()).isEqualTo("Sheena Nelson");
        assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1741249701L));
        assertThat(m.content()).isEqualTo(new MessageContent.Text("Hi there!", null));
        assertThat(e.occurredAt()).isEqualTo(m.timestamp());
        assertThat(e.source()).isEqualTo("req-1");
    }

    @Test
    void givesMessageAndMessageAnyOfTheSameMessageOneEventId() {
        Envelope message = only("message-text.json");
        Envelope any = only("message-any-text.json");
        Envelope withoutEnvelopeId = only("message-text-without-event-id.json");

        assertThat(any.eventId()).isEqualTo(message.eventId());
        assertThat(withoutEnvelopeId.eventId()).isEqualTo(message.eventId());
        assertThat(any.payload()).isEqualTo(message.payload());
    }

    @Test
    void keepsOwnMessagesAsUnknownEventsNotInbound() {
        Envelope e = only("message-from-me.json");

        UnknownEvent u = (UnknownEvent) e.payload();
        assertThat(u.providerEvent()).isEqualTo("message:fromMe");
        assertThat(u.provider()).isEqualTo(ProviderType.WAHA);
        assertThat(u.rawJson()).contains("Hi there!");
    }

    @Test
    void readsTheRealNowebCaptureAsAnImageWithItsUrlAndCaption() {
        InboundMessage m = message("message-image-noweb-n8n.json");

        assertThat(m.phone()).isEqualTo("+79069571990");
        assertThat(m.contactName()).isEqualTo("Sim1");
        assertThat(m.providerMessageId()).isEqualTo("6738E65C1C0E65591F2739658FC18A26");
        assertThat(m.content()).isEqualTo(new MessageContent.Image(
                "https://github.com/devlikeapro/waha/raw/core/examples/dev.likeapro.jpg", null, "image/jpeg",
                "Hi there's!"));
    }

    @Test
    void readsImageWithWahaMediaUrl() {
        assertThat(contentOf("message-image.json")).isEqualTo(new MessageContent.Image(
                "http://localhost:3000/api/files/false_16505551234@c.us_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.jpg", null,
                "image/jpeg", "Check this out (caption for the media)!"));
    }

    @Test
    void readsDocumentWithFilenameEvenWithoutHasMedia() {
        assertThat(contentOf("message-document.json")).isEqualTo(new MessageContent.Document(
                "http://localhost:3000/api/files/false_16505551234@c.us_BBBBBBBBBBBBBBBBBBBB.pdf", null,
                "application/pdf", null, "some-file.pdf"));
    }

    @Test
    void readsVoiceNoteFromNowebPttFlag() {
        assertThat(contentOf("message-voice.json")).isEqualTo(new MessageContent.Audio(
                "http://localhost:3000/api/files/default/3EB0VOICE000000001.oga", null, "audio/ogg; codecs=opus",
                true));
    }

    @Test
    void readsVideoFromGowsWithCaptionAndSenderName() {
        InboundMessage m = message("message-video.json");

        assertThat(m.content()).isEqualTo(new MessageContent.Video(
                "http://localhost:3000/api/files/default/3EB0VIDEO000000001.mp4", null, "video/mp4", "our new salon"));
        assertThat(m.contactName()).isEqualTo("Sheena Nelson");
    }

    @Test
    void readsSticker() {
        assertThat(contentOf("message-sticker.json")).isEqualTo(new MessageContent.Sticker(
                "http://localhost:3000/api/files/default/3EB0STICKER0000001.webp", null, "image/webp"));
    }

    @Test
    void keepsTheKindOfMediaWahaDidNotDownload() {
        assertThat(contentOf("message-media-not-downloaded.json"))
                .isEqualTo(new MessageContent.Image(null, null, null, null));
    }

    @Test
    void readsLocationWithStringCoordinatesNotTheThumbnailBody() {
        assertThat(contentOf("message-location.json")).isEqualTo(new MessageContent.Location(38.8937255, -77.0969763,
                "Philz Coffee", "101 Forest Ave, Palo Alto, CA 94301"));
    }

    @Test
    void readsVCardsIntoContacts() {
        assertThat(contentOf("message-vcard.json")).isEqualTo(new MessageContent.Contacts(List.of(
                new MessageContent.Contact("John Smith", List.of("+14155552671")))));
    }

    @Test
    void readsReactionWithTheBareIdOfTheMessageReactedTo() {
        InboundMessage m = message("reaction.json");

        assertThat(m.content()).isEqualTo(new MessageContent.Reaction("11111111111111111111111111111111", "🙏"));
        assertThat(m.timestamp()).isEqualTo(Instant.ofEpochMilli(1710481111853L));
        assertThat(m.phone()).isEqualTo("+79111111");
    }

    @Test
    void readsRemovedReactionAsEmptyEmoji() {
        assertThat(contentOf("reaction-removed.json"))
                .isEqualTo(new MessageContent.Reaction("11111111111111111111111111111111", ""));
    }

    @Test
    void readsPollVote() {
        InboundMessage m = message("poll-vote.json");

        assertThat(m.content()).isEqualTo(new MessageContent.PollVote("BAE5F2EF5C69001E", List.of("Awesome!")));
        assertThat(m.providerMessageId()).isEqualTo("83ACBE602A05C79B234B54415E95EE8A");
        assertThat(m.timestamp()).isEqualTo(Instant.ofEpochSecond(1692861427L));
    }

    @Test
    void readsLidOnlySenderWithoutAPhone() {
        ParseResult result = parse("message-lid-only-gows.json");

        InboundMessage m = (InboundMessage) result.events().get(0).payload();
        assertThat(m.phone()).isNull();
        assertThat(m.lid()).isEqualTo("123456789012345");
        assertThat(m.content()).isEqualTo(new MessageContent.Text("Can I book for Friday?", null));
        assertThat(result.links()).isEmpty();
    }

    @Test
    void linksLidAndPhoneSeenTogetherIncludingTheAccountsOwn() {
        ParseResult result = parse("message-lid-with-phone-noweb.json");

        InboundMessage m = (InboundMessage) result.events().get(0).payload();
        assertThat(m.phone()).isEqualTo("+16505551234");
        assertThat(m.lid()).isEqualTo("123456789012345");
        assertThat(result.links()).containsExactlyInAnyOrder(
                new LidLink("123456789012345", "+16505551234"),
                new LidLink("99999999999999", "+71111111111"));
    }

    @Test
    void makesTheGroupTheConversationAndLinksTheParticipant() {
        ParseResult result = parse("message-group.json");

        InboundMessage m = (InboundMessage) result.events().get(0).payload();
        assertThat(m.phone()).isEqualTo("120363025246125486@g.us");
        assertThat(m.lid()).isNull();
        assertThat(m.providerMessageId()).isEqualTo("3EB0GROUP0000000001");
        assertThat(result.links()).containsExactly(new LidLink("123456789012345", "+16505551234"));
    }

    @Test
    void keepsStatusBroadcastsAsUnknownEvents() {
        assertThat(((UnknownEvent) only("message-status-broadcast.json").payload()).providerEvent())
                .isEqualTo("message:not-a-conversation");
    }

    @ParameterizedTest
    @CsvSource({
            "ack-server.json, SENT",
            "ack-device.json, DELIVERED",
            "ack-read.json, READ",
            "ack-played.json, PLAYED",
            "ack-error.json, FAILED",
    })
    void mapsAcksOfOurMessagesToStatuses(String fixture, MessageStatus expected) {
        Envelope e = only(fixture);

        MessageStatusUpdate u = (MessageStatusUpdate) e.payload();
        assertThat(u.status()).isEqualTo(expected);
        assertThat(u.providerMessageId()).isEqualTo("4CC5EDD64BC22EBA6D639F2AF571346C");
        assertThat(u.recipient()).isEqualTo("+11111111111");
        assertThat(u.provider()).isEqualTo(ProviderType.WAHA);
        assertThat(e.eventId()).isEqualTo(EventIds.eventId(TENANT, "waha", "default",
                "4CC5EDD64BC22EBA6D639F2AF571346C", expected.wireName()));
        assertThat(u.errorTitle()).isEqualTo(expected == MessageStatus.FAILED
                ? "WAHA reported ack ERROR (no reason given)" : null);
    }

    @Test
    void readsGowsAckWithTheEnvelopeTimeAndLinksTheAccountsOwnLid() {
        ParseResult result = parse("ack-gows-read.json");

        MessageStatusUpdate u = (MessageStatusUpdate) result.events().get(0).payload();
        assertThat(u.status()).isEqualTo(MessageStatus.READ);
        assertThat(u.providerMessageId()).isEqualTo("3333333333333333333333");
        assertThat(u.timestamp()).isEqualTo(RECEIVED);
        assertThat(result.links()).containsExactly(new LidLink("144444444444444", "+444444444444"));
    }

    @Test
    void keepsPendingAndGroupAcksAsUnknownEvents() {
        assertThat(((UnknownEvent) only("ack-pending.json").payload()).providerEvent())
                .isEqualTo("message.ack:PENDING");
        assertThat(((UnknownEvent) only("ack-group.json").payload()).providerEvent()).isEqualTo("message.ack.group");
    }

    @Test
    void keepsAcksOfMessagesOthersSentAsUnknownEvents() {
        String body = "{\"event\":\"message.ack\",\"session\":\"default\",\"payload\":"
                + "{\"id\":\"false_11111111111@c.us_AAA\",\"from\":\"11111111111@c.us\",\"fromMe\":false,\"ack\":3}}";
        ParseResult result = parser.parse(rawWaha("req-2", body.getBytes(StandardCharsets.UTF_8)));

        assertThat(((UnknownEvent) result.events().get(0).payload()).providerEvent()).isEqualTo("message.ack:inbound");
    }

    @ParameterizedTest
    @CsvSource({
            "session-status-working.json, CONNECTED, WORKING",
            "session-status-scan-qr-n8n.json, PAIRING, SCAN_QR_CODE",
            "session-status-failed.json, ERROR, FAILED",
    })
    void mapsSessionStatusesToDeviceEvents(String fixture, DeviceStatus expected, String providerStatus) {
        DeviceEvent d = (DeviceEvent) only(fixture).payload();

        assertThat(d.status()).isEqualTo(expected);
        assertThat(d.providerStatus()).isEqualTo(providerStatus);
        assertThat(d.tenantId()).isEqualTo(TENANT);
        assertThat(d.endpointId()).isEqualTo(WAHA_ENDPOINT);
        assertThat(d.qrCode()).isNull();
    }

    @Test
    void namesTheDeviceOnlyWhenTheSessionIsAGatewayDeviceId() {
        DeviceEvent failed = (DeviceEvent) only("session-status-failed.json").payload();
        DeviceEvent working = (DeviceEvent) only("session-status-working.json").payload();

        assertThat(failed.deviceId()).isEqualTo("dev_salon1");
        assertThat(failed.reason()).startsWith("session failed");
        assertThat(failed.at()).isEqualTo(Instant.ofEpochMilli(1700000004000L));
        assertThat(working.deviceId()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"STOPPED, DISCONNECTED", "STARTING, CONNECTING", "PASSKEY_REQUIRED, PAIRING"})
    void mapsTheOtherSessionStatuses(String status, DeviceStatus expected) {
        String body = "{\"event\":\"session.status\",\"session\":\"default\",\"payload\":{\"status\":\"" + status + "\"}}";

        DeviceEvent d = (DeviceEvent) parser.parse(rawWaha("r", body.getBytes(StandardCharsets.UTF_8)))
                .events().get(0).payload();

        assertThat(d.status()).isEqualTo(expected);
    }

    @Test
    void identifiesEventsWithoutAnEnvelopeIdByWahasRequestIdHeader() {
        byte[] body = waha("session-status-working.json");
        RawWebhook first = new RawWebhook("ingress-1", TENANT, WAHA_ENDPOINT, ProviderType.WAHA, RECEIVED,
                Map.of(WahaParser.REQUEST_ID_HEADER, "01JNP5"), body);
        RawWebhook retry = new RawWebhook("ingress-2", TENANT, WAHA_ENDPOINT, ProviderType.WAHA, RECEIVED,
                Map.of(WahaParser.REQUEST_ID_HEADER, "01JNP5"), body);
        RawWebhook bare1 = rawWaha("ingress-1", body);
        RawWebhook bare2 = rawWaha("ingress-2", body);

        assertThat(parser.parse(first).events().get(0).eventId())
                .isEqualTo(parser.parse(retry).events().get(0).eventId());
        assertThat(parser.parse(bare1).events().get(0).eventId())
                .isNotEqualTo(parser.parse(bare2).events().get(0).eventId());
    }

    @ParameterizedTest
    @CsvSource({
            "label-upsert.json, label.upsert",
            "presence-update.json, presence.update",
            "group-v2-join.json, group.v2.join",
    })
    void keepsEventsItDoesNotModelAsUnknownEvents(String fixture, String event) {
        UnknownEvent u = (UnknownEvent) only(fixture).payload();

        assertThat(u.providerEvent()).isEqualTo(event);
        assertThat(u.endpointId()).isEqualTo(WAHA_ENDPOINT);
        assertThat(u.rawJson()).contains("\"event\":\"" + event + "\"");
    }

    @Test
    void rejectsBodiesThatAreNotWahaEvents() {
        assertThat(parser.parse(rawWaha("r", "[1]".getBytes(StandardCharsets.UTF_8))).problems())
                .containsExactly("not a WAHA webhook: body is not a JSON object");
        assertThat(parser.parse(rawWaha("r", "{\"session\":\"x\"}".getBytes(StandardCharsets.UTF_8))).problems())
                .containsExactly("not a WAHA webhook: no event");
        assertThat(parser.parse(rawWaha("r", "{\"event\":\"message\",\"payload\":{}}"
                .getBytes(StandardCharsets.UTF_8))).problems()).containsExactly("payload: missing id");
    }
}
