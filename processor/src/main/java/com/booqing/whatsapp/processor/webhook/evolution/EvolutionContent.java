package com.booqing.whatsapp.processor.webhook.evolution;

import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.processor.webhook.Fields;
import com.booqing.whatsapp.processor.webhook.VCards;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The content of an Evolution {@code messages.upsert} item: {@code data.message} is the Baileys message proto
 * (field names of WhatsApp's proto, e.g. {@code imageMessage.mimetype}, {@code locationMessage.degreesLatitude}),
 * {@code data.messageType} names its key ([EVO-SRC] whatsapp.baileys.service.ts prepareMessage, which already
 * turns extendedTextMessage into conversation and documentWithCaptionMessage into documentMessage).
 *
 * <p>Media: {@code url} is WhatsApp's encrypted CDN URL unless Evolution stored the file in S3 and added
 * {@code message.mediaUrl}, which then wins. {@code mediaId} is the message's {@code key.id}, the handle
 * Evolution's {@code POST /chat/getBase64FromMediaMessage/{instance}} takes. An inline {@code message.base64}
 * (webhook base64 on) is not copied into the event.
 */
final class EvolutionContent {
    /** Wrappers whose {@code message} holds the real content. */
    private static final List<String> WRAPPERS = List.of("ephemeralMessage", "viewOnceMessage", "viewOnceMessageV2",
            "viewOnceMessageV2Extension", "documentWithCaptionMessage");
    /** Content keys in the order they are looked for when messageType does not name one. */
    private static final List<String> KNOWN = List.of("conversation", "extendedTextMessage", "imageMessage",
            "videoMessage", "ptvMessage", "audioMessage", "documentMessage", "stickerMessage", "locationMessage",
            "liveLocationMessage", "contactMessage", "contactsArrayMessage", "reactionMessage", "listResponseMessage",
            "buttonsResponseMessage", "templateButtonReplyMessage");
    /** Keys of data.message that are Evolution's or WhatsApp's additions, not content. */
    private static final Set<String> NOT_CONTENT = Set.of("messageContextInfo", "base64", "mediaUrl", "speechToText",
            "senderKeyDistributionMessage");

    private EvolutionContent() {
    }

    static MessageContent of(JsonNode item, String keyId) {
        JsonNode message = Fields.object(item, "message");
        String declared = Fields.text(item, "messageType");
        if (message == null) {
            return new MessageContent.Unsupported(declared != null ? declared : "no message");
        }
        String mediaUrl = Fields.text(message, "mediaUrl");
        message = unwrap(message);
        String type = declared != null && message.hasNonNull(declared) ? declared : firstKnown(message);
        if (type == null) {
            return new MessageContent.Unsupported(declared != null ? declared : "unknown");
        }
        JsonNode b = message.get(type);
        MessageContent content = switch (type) {
            case "conversation" -> b.isTextual() ? new MessageContent.Text(b.asText(), null) : null;
            case "extendedTextMessage" -> text(Fields.text(b, "text"));
            case "imageMessage" -> new MessageContent.Image(url(b, mediaUrl), keyId, Fields.text(b, "mimetype"),
                    Fields.text(b, "caption"));
            case "videoMessage", "ptvMessage" -> new MessageContent.Video(url(b, mediaUrl), keyId,
                    Fields.text(b, "mimetype"), Fields.text(b, "caption"));
            case "audioMessage" -> new MessageContent.Audio(url(b, mediaUrl), keyId, Fields.text(b, "mimetype"),
                    Boolean.TRUE.equals(Fields.bool(b, "ptt")));
            case "documentMessage" -> new MessageContent.Document(url(b, mediaUrl), keyId, Fields.text(b, "mimetype"),
                    Fields.text(b, "caption"), fileName(b));
            case "stickerMessage" -> new MessageContent.Sticker(url(b, mediaUrl), keyId, Fields.text(b, "mimetype"));
            case "locationMessage", "liveLocationMessage" -> location(b);
            case "contactMessage" -> new MessageContent.Contacts(List.of(
                    VCards.parse(Fields.text(b, "vcard"), Fields.text(b, "displayName"))));
            case "contactsArrayMessage" -> contacts(b);
            case "reactionMessage" -> reaction(b);
            case "listResponseMessage" -> new MessageContent.ListReply(
                    Fields.textAt(b, "singleSelectReply", "selectedRowId"), Fields.text(b, "title"),
                    Fields.text(b, "description"));
            case "buttonsResponseMessage" -> new MessageContent.ButtonReply(Fields.text(b, "selectedButtonId"),
                    Fields.text(b, "selectedDisplayText"));
            case "templateButtonReplyMessage" -> new MessageContent.ButtonReply(Fields.text(b, "selectedId"),
                    Fields.text(b, "selectedDisplayText"));
            default -> null;
        };
        return content != null ? content : new MessageContent.Unsupported(type);
    }

    private static JsonNode unwrap(JsonNode message) {
        JsonNode current = message;
        for (int depth = 0; depth < 3; depth++) {
            JsonNode inner = null;
            for (String wrapper : WRAPPERS) {
                inner = Fields.object(Fields.object(current, wrapper), "message");
                if (inner != null) {
                    break;
                }
            }
            if (inner == null) {
                return current;
            }
            current = inner;
        }
        return current;
    }

    private static String firstKnown(JsonNode message) {
        for (String k : KNOWN) {
            if (message.hasNonNull(k)) {
                return k;
            }
        }
        for (Iterator<String> names = message.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!NOT_CONTENT.contains(name) && message.hasNonNull(name)) {
                return name;
            }
        }
        return null;
    }

    private static MessageContent text(String body) {
        return body == null ? null : new MessageContent.Text(body, null);
    }

    private static String url(JsonNode body, String mediaUrl) {
        return mediaUrl != null ? mediaUrl : Fields.text(body, "url");
    }

    private static String fileName(JsonNode body) {
        String name = Fields.text(body, "fileName");
        return name != null ? name : Fields.text(body, "title");
    }

    private static MessageContent location(JsonNode b) {
        Double lat = Fields.number(b, "degreesLatitude");
        Double lon = Fields.number(b, "degreesLongitude");
        if (lat == null || lon == null) {
            return null;
        }
        return new MessageContent.Location(lat, lon, Fields.text(b, "name"), Fields.text(b, "address"));
    }

    private static MessageContent contacts(JsonNode b) {
        List<MessageContent.Contact> contacts = new ArrayList<>();
        for (JsonNode c : Fields.array(b, "contacts")) {
            contacts.add(VCards.parse(Fields.text(c, "vcard"), Fields.text(c, "displayName")));
        }
        return contacts.isEmpty() ? null : new MessageContent.Contacts(contacts);
    }

    private static MessageContent reaction(JsonNode b) {
        String target = Fields.textAt(b, "key", "id");
        if (target == null) {
            return null;
        }
        String emoji = Fields.text(b, "text");
        return new MessageContent.Reaction(target, emoji == null ? "" : emoji);
    }
}
