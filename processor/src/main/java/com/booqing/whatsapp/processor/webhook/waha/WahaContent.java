package com.booqing.whatsapp.processor.webhook.waha;

import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.processor.webhook.Fields;
import com.booqing.whatsapp.processor.webhook.VCards;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The content of a WAHA {@code WAMessage} ([WAHA-SRC] responses.dto.ts): media ({@code hasMedia},
 * {@code media{url, mimetype, filename}}), {@code location}, {@code vCards}, else {@code body} as text.
 *
 * <p>WAHA's own fields do not say which kind of media a message is; the engine's raw data does
 * ({@code _data.type} in WEBJS, the message key in NOWEB's {@code _data.message} and GOWS'
 * {@code _data.Message}), else the MIME type decides ({@code image/webp} is a sticker). {@code media.url} is a
 * WAHA URL that needs the API key; it is kept as the media URL. A media message whose file WAHA did not download
 * ({@code media: null}) still has its kind, with no URL. The body of a media message is its caption.
 */
final class WahaContent {
    /** Keys of a Baileys/whatsmeow message object that are not its content. */
    private static final Set<String> NOT_CONTENT = Set.of("messagecontextinfo", "senderkeydistributionmessage");

    private WahaContent() {
    }

    static MessageContent of(JsonNode payload) {
        String engineType = engineType(payload);
        JsonNode media = Fields.object(payload, "media");
        boolean hasMedia = Boolean.TRUE.equals(Fields.bool(payload, "hasMedia")) || media != null;
        String body = Fields.text(payload, "body");
        if (hasMedia) {
            return media(payload, media, engineType, body);
        }
        JsonNode location = Fields.object(payload, "location");
        if (location != null) {
            Double lat = Fields.number(location, "latitude");
            Double lon = Fields.number(location, "longitude");
            if (lat != null && lon != null) {
                String name = Fields.text(location, "name");
                return new MessageContent.Location(lat, lon, name != null ? name : Fields.text(location, "description"),
                        Fields.text(location, "address"));
            }
        }
        List<JsonNode> cards = Fields.array(payload, "vCards");
        if (!cards.isEmpty()) {
            List<MessageContent.Contact> contacts = new ArrayList<>();
            for (JsonNode card : cards) {
                if (card.isTextual()) {
                    contacts.add(VCards.parse(card.asText(), null));
                }
            }
            if (!contacts.isEmpty()) {
                return new MessageContent.Contacts(contacts);
            }
        }
        if (body != null && !body.isEmpty()) {
            return new MessageContent.Text(body, null);
        }
        return new MessageContent.Unsupported(engineType != null ? engineType : "unknown");
    }

    private static MessageContent media(JsonNode payload, JsonNode media, String engineType, String body) {
        String mime = Fields.text(media, "mimetype");
        String url = Fields.text(media, "url");
        String caption = body == null || body.isBlank() ? null : body;
        String kind = kind(engineType, mime);
        return switch (kind) {
            case "image" -> new MessageContent.Image(url, null, mime, caption);
            case "video" -> new MessageContent.Video(url, null, mime, caption);
            case "audio" -> new MessageContent.Audio(url, null, mime, voice(payload, engineType));
            case "sticker" -> new MessageContent.Sticker(url, null, mime);
            case "document" -> new MessageContent.Document(url, null, mime, caption, Fields.text(media, "filename"));
            default -> new MessageContent.Unsupported(engineType != null ? engineType : "media");
        };
    }

    /** image, video, audio, sticker, document, or "unknown" when neither the engine nor the MIME type says. */
    private static String kind(String engineType, String mime) {
        if (engineType != null) {
            switch (engineType.toLowerCase(Locale.ROOT)) {
                case "image", "imagemessage":
                    return "image";
                case "video", "videomessage", "ptvmessage":
                    return "video";
                case "audio", "ptt", "audiomessage":
                    return "audio";
                case "sticker", "stickermessage":
                    return "sticker";
                case "document", "documentmessage", "documentwithcaptionmessage":
                    return "document";
                default:
                    break;
            }
        }
        if (mime == null) {
            return "unknown";
        }
        String m = mime.toLowerCase(Locale.ROOT);
        if (m.startsWith("image/webp")) {
            return "sticker";
        }
        if (m.startsWith("image/")) {
            return "image";
        }
        if (m.startsWith("video/")) {
            return "video";
        }
        if (m.startsWith("audio/")) {
            return "audio";
        }
        return "document";
    }

    /** True for a voice note (WEBJS type "ptt", Baileys/whatsmeow audioMessage.ptt); null when the engine does not say. */
    private static Boolean voice(JsonNode payload, String engineType) {
        if ("ptt".equalsIgnoreCase(engineType)) {
            return true;
        }
        if ("audio".equalsIgnoreCase(engineType)) {
            return false;
        }
        JsonNode audio = child(engineMessage(payload), "audioMessage");
        if (audio == null) {
            return null;
        }
        JsonNode ptt = child(audio, "ptt");
        return ptt != null && ptt.isBoolean() ? ptt.booleanValue() : Boolean.FALSE;
    }

    /** The engine's word for the message kind: WEBJS _data.type, else the content key of _data.message / _data.Message. */
    static String engineType(JsonNode payload) {
        JsonNode data = Fields.object(payload, "_data");
        String webjs = Fields.text(data, "type");
        if (webjs != null) {
            return webjs;
        }
        JsonNode message = engineMessage(payload);
        if (message == null) {
            return null;
        }
        for (Iterator<String> names = message.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            JsonNode value = message.get(name);
            if (!NOT_CONTENT.contains(name.toLowerCase(Locale.ROOT)) && value != null && !value.isNull()) {
                return name;
            }
        }
        return null;
    }

    /** NOWEB's _data.message or GOWS' _data.Message. */
    private static JsonNode engineMessage(JsonNode payload) {
        JsonNode data = Fields.object(payload, "_data");
        JsonNode message = Fields.object(data, "message");
        return message != null ? message : Fields.object(data, "Message");
    }

    /** A child by name ignoring case (GOWS writes Go field names, e.g. PTT, URL). */
    private static JsonNode child(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String n = names.next();
            if (n.equalsIgnoreCase(name)) {
                return node.get(n);
            }
        }
        return null;
    }
}
