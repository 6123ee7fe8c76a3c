package com.booqing.whatsapp.processor.webhook.cloudapi;

import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.processor.webhook.Fields;
import com.booqing.whatsapp.processor.webhook.PhoneNumbers;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The content of one Cloud API message object, by its {@code type} (Meta's OpenAPI v23 {@code IncomingMessage}).
 * A type the gateway does not model, or a known type whose body is missing, becomes
 * {@link MessageContent.Unsupported} naming the provider's type, so the message is still recorded.
 */
final class CloudApiContent {

    private CloudApiContent() {
    }

    static MessageContent of(JsonNode message) {
        String type = Fields.text(message, "type");
        if (type == null) {
            return new MessageContent.Unsupported("missing type");
        }
        JsonNode body = message.get(type);
        MessageContent content = switch (type) {
            case "text" -> text(body);
            case "image" -> ifObject(body, b -> new MessageContent.Image(Fields.text(b, "url"), Fields.text(b, "id"),
                    Fields.text(b, "mime_type"), Fields.text(b, "caption")));
            case "video" -> ifObject(body, b -> new MessageContent.Video(Fields.text(b, "url"), Fields.text(b, "id"),
                    Fields.text(b, "mime_type"), Fields.text(b, "caption")));
            case "audio" -> ifObject(body, b -> new MessageContent.Audio(Fields.text(b, "url"), Fields.text(b, "id"),
                    Fields.text(b, "mime_type"), Fields.bool(b, "voice")));
            case "document" -> ifObject(body, b -> new MessageContent.Document(Fields.text(b, "url"),
                    Fields.text(b, "id"), Fields.text(b, "mime_type"), Fields.text(b, "caption"),
                    Fields.text(b, "filename")));
            case "sticker" -> ifObject(body, b -> new MessageContent.Sticker(Fields.text(b, "url"),
                    Fields.text(b, "id"), Fields.text(b, "mime_type")));
            case "location" -> location(body);
            case "contacts" -> contacts(message.get("contacts"));
            case "reaction" -> ifObject(body, b -> new MessageContent.Reaction(Fields.text(b, "message_id"),
                    orEmpty(Fields.text(b, "emoji"))));
            case "button" -> ifObject(body, b -> new MessageContent.ButtonReply(Fields.text(b, "payload"),
                    Fields.text(b, "text")));
            case "interactive" -> interactive(body);
            default -> null;
        };
        return content != null ? content : new MessageContent.Unsupported(type);
    }

    private static MessageContent text(JsonNode body) {
        String text = Fields.text(body, "body");
        return text == null ? null : new MessageContent.Text(text, null);
    }

    private static MessageContent location(JsonNode body) {
        Double lat = Fields.number(body, "latitude");
        Double lon = Fields.number(body, "longitude");
        if (lat == null || lon == null) {
            return null;
        }
        return new MessageContent.Location(lat, lon, Fields.text(body, "name"), Fields.text(body, "address"));
    }

    private static MessageContent contacts(JsonNode cards) {
        if (cards == null || !cards.isArray()) {
            return null;
        }
        List<MessageContent.Contact> contacts = new ArrayList<>();
        for (JsonNode card : cards) {
            JsonNode name = card.get("name");
            String display = Fields.text(name, "formatted_name");
            if (display == null) {
                String first = Fields.text(name, "first_name");
                String last = Fields.text(name, "last_name");
                display = first == null ? last : last == null ? first : first + " " + last;
            }
            List<String> phones = new ArrayList<>();
            for (JsonNode phone : Fields.array(card, "phones")) {
                String raw = Fields.text(phone, "phone");
                String waId = Fields.text(phone, "wa_id");
                String best = raw != null ? PhoneNumbers.toE164(raw).orElse(null) : null;
                if (best == null && waId != null) {
                    best = PhoneNumbers.toE164(waId).orElse(null);
                }
                if (best == null) {
                    best = raw != null ? raw : waId;
                }
                if (best != null) {
                    phones.add(best);
                }
            }
            contacts.add(new MessageContent.Contact(display, phones));
        }
        return new MessageContent.Contacts(contacts);
    }

    /** Replies to interactive messages; flow replies (nfm_reply) and others are not modelled yet. */
    private static MessageContent interactive(JsonNode body) {
        String kind = Fields.text(body, "type");
        if ("button_reply".equals(kind)) {
            JsonNode r = body.get("button_reply");
            return r == null ? null : new MessageContent.ButtonReply(Fields.text(r, "id"), Fields.text(r, "title"));
        }
        if ("list_reply".equals(kind)) {
            JsonNode r = body.get("list_reply");
            return r == null ? null : new MessageContent.ListReply(Fields.text(r, "id"), Fields.text(r, "title"),
                    Fields.text(r, "description"));
        }
        return new MessageContent.Unsupported(kind == null ? "interactive" : "interactive." + kind);
    }

    private static MessageContent ifObject(JsonNode body, java.util.function.Function<JsonNode, MessageContent> f) {
        return body != null && body.isObject() ? f.apply(body) : null;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
