package com.booqing.whatsapp.simulator.evolution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Messages in Evolution's prepareMessage() shape (whatsapp.baileys.service.ts): {key, pushName, status, message,
 * messageType, messageTimestamp, instanceId, source}. Sent messages: key.fromMe true, id "BAE5…", pushName "Você"
 * (Evolution's default for own messages), status "PENDING"; received: status "DELIVERY_ACK", messageType
 * "conversation" for text (extendedTextMessage is normalised to conversation).
 */
final class EvolutionMessages {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ObjectMapper json;

    EvolutionMessages(ObjectMapper json) {
        this.json = json;
    }

    static String sentMessageId() {
        return "BAE5" + hex(6);
    }

    static String phoneMessageId() {
        return hex(16);
    }

    /** A database id like Prisma's cuid, as messages.update carries it in messageId. */
    static String recordId() {
        String chars = "0123456789abcdefghijklmnopqrstuvwxyz";
        StringBuilder id = new StringBuilder("cm");
        for (int i = 0; i < 23; i++) {
            id.append(chars.charAt(RANDOM.nextInt(chars.length())));
        }
        return id.toString();
    }

    /** The 201 answer of a send (and the data of send.message). */
    ObjectNode sent(String remoteJid, String id, String messageType, ObjectNode message, long timestamp,
                    String instanceId) {
        ObjectNode raw = json.createObjectNode();
        ObjectNode key = raw.putObject("key");
        key.put("remoteJid", remoteJid);
        key.put("fromMe", true);
        key.put("id", id);
        raw.put("pushName", "Você");
        raw.put("status", "PENDING");
        raw.set("message", message);
        raw.put("messageType", messageType);
        raw.put("messageTimestamp", timestamp);
        raw.put("instanceId", instanceId);
        raw.put("source", "unknown");
        return raw;
    }

    /**
     * An incoming text (messages.upsert data). From a LID sender the key is LID-addressed: remoteJid "<lid>@lid",
     * remoteJidAlt "<phone>@s.whatsapp.net" when known, addressingMode "lid" (Baileys 7 keys, as Evolution 2.3.6 reads
     * them).
     */
    ObjectNode inbound(String remoteJid, String remoteJidAlt, String id, String pushName, String text, long timestamp,
                       String instanceId) {
        ObjectNode raw = json.createObjectNode();
        ObjectNode key = raw.putObject("key");
        key.put("remoteJid", remoteJid);
        if (remoteJidAlt != null) {
            key.put("remoteJidAlt", remoteJidAlt);
        }
        key.put("fromMe", false);
        key.put("id", id);
        if (remoteJid.endsWith("@lid")) {
            key.put("addressingMode", "lid");
        }
        if (pushName == null) {
            raw.putNull("pushName");
        } else {
            raw.put("pushName", pushName);
        }
        raw.put("status", "DELIVERY_ACK");
        raw.putObject("message").put("conversation", text);
        raw.put("messageType", "conversation");
        raw.put("messageTimestamp", timestamp);
        raw.put("instanceId", instanceId);
        raw.put("source", "android");
        return raw;
    }

    // ---- message contents per send route

    ObjectNode text(String text) {
        ObjectNode message = json.createObjectNode();
        message.put("conversation", text);
        return message;
    }

    /** sendMedia: {imageMessage|documentMessage|videoMessage|audioMessage: {...}}. */
    ObjectNode media(JsonNode body) {
        String type = body.path("mediatype").asText();
        ObjectNode message = json.createObjectNode();
        ObjectNode media = message.putObject(type + "Message");
        media.put("url", "https://mmg.whatsapp.net/v/t62.7118-24/" + hex(8) + ".enc?ccb=11-4");
        media.put("mimetype", body.path("mimetype").asText(defaultMime(type)));
        media.put("fileLength", Integer.toString(1024 + RANDOM.nextInt(1 << 20)));
        media.put("mediaKeyTimestamp", Long.toString(System.currentTimeMillis() / 1000));
        if (type.equals("document")) {
            String fileName = body.path("fileName").asText("file");
            media.put("title", fileName);
            media.put("fileName", fileName);
        }
        if (body.hasNonNull("caption") && !type.equals("audio")) {
            media.put("caption", body.path("caption").asText());
        }
        return message;
    }

    ObjectNode location(JsonNode body) {
        ObjectNode message = json.createObjectNode();
        ObjectNode location = message.putObject("locationMessage");
        location.put("degreesLatitude", body.path("latitude").asDouble());
        location.put("degreesLongitude", body.path("longitude").asDouble());
        location.put("name", body.path("name").asText());
        location.put("address", body.path("address").asText());
        return message;
    }

    ObjectNode reaction(JsonNode body, long timestampMs) {
        ObjectNode message = json.createObjectNode();
        ObjectNode reaction = message.putObject("reactionMessage");
        reaction.set("key", body.path("key").deepCopy());
        reaction.put("text", body.path("reaction").asText());
        reaction.put("senderTimestampMs", Long.toString(timestampMs));
        return message;
    }

    /** sendButtons goes out as a view-once interactive message with native-flow buttons. */
    ObjectNode buttons(JsonNode body) {
        ObjectNode message = json.createObjectNode();
        ObjectNode interactive = message.putObject("viewOnceMessage").putObject("message")
                .putObject("interactiveMessage");
        String text = "*" + body.path("title").asText("") + "*";
        if (body.hasNonNull("description")) {
            text += "\n\n" + body.path("description").asText() + "\n";
        }
        interactive.putObject("body").put("text", text);
        interactive.putObject("footer").put("text", body.path("footer").asText(""));
        ObjectNode flow = interactive.putObject("nativeFlowMessage");
        ArrayNode buttons = flow.putArray("buttons");
        for (JsonNode button : body.path("buttons")) {
            String type = button.path("type").asText();
            ObjectNode params = json.createObjectNode();
            params.put("display_text", button.path("displayText").asText(""));
            switch (type) {
                case "url" -> params.put("url", button.path("url").asText(""));
                case "call" -> params.put("phone_number", button.path("phoneNumber").asText(""));
                case "copy" -> params.put("copy_code", button.path("copyCode").asText(""));
                default -> params.put("id", button.path("id").asText(""));
            }
            buttons.addObject().put("name", switch (type) {
                case "url" -> "cta_url";
                case "call" -> "cta_call";
                case "copy" -> "cta_copy";
                case "pix" -> "payment_info";
                default -> "quick_reply";
            }).put("buttonParamsJson", params.toString());
        }
        flow.put("messageParamsJson", "{\"from\":\"api\"}");
        return message;
    }

    ObjectNode list(JsonNode body) {
        ObjectNode message = json.createObjectNode();
        ObjectNode list = message.putObject("listMessage");
        list.put("title", body.path("title").asText());
        if (body.hasNonNull("description")) {
            list.put("description", body.path("description").asText());
        }
        list.put("buttonText", body.path("buttonText").asText());
        list.put("footerText", body.path("footerText").asText());
        list.set("sections", body.path("sections").deepCopy());
        list.put("listType", 2);
        return message;
    }

    /** sendContact: one contactMessage, or a contactsArrayMessage for several (vCards as Evolution writes them). */
    ObjectNode contacts(JsonNode body) {
        ObjectNode message = json.createObjectNode();
        JsonNode contacts = body.path("contact");
        if (contacts.size() == 1) {
            ObjectNode contact = message.putObject("contactMessage");
            contact.put("displayName", contacts.get(0).path("fullName").asText());
            contact.put("vcard", vcard(contacts.get(0)));
            return message;
        }
        ObjectNode array = message.putObject("contactsArrayMessage");
        array.put("displayName", contacts.size() + " contacts");
        ArrayNode list = array.putArray("contacts");
        contacts.forEach(contact -> list.addObject().put("displayName", contact.path("fullName").asText())
                .put("vcard", vcard(contact)));
        return message;
    }

    private static String vcard(JsonNode contact) {
        String fullName = contact.path("fullName").asText();
        StringBuilder vcard = new StringBuilder("BEGIN:VCARD\nVERSION:3.0\nN:" + fullName + "\nFN:" + fullName + "\n");
        if (contact.hasNonNull("organization")) {
            vcard.append("ORG:").append(contact.path("organization").asText()).append(";\n");
        }
        if (contact.hasNonNull("email")) {
            vcard.append("EMAIL:").append(contact.path("email").asText()).append('\n');
        }
        if (contact.hasNonNull("url")) {
            vcard.append("URL:").append(contact.path("url").asText()).append('\n');
        }
        String phone = contact.path("phoneNumber").asText();
        String wuid = contact.hasNonNull("wuid") ? contact.path("wuid").asText() : Jids.createJid(phone);
        vcard.append("item1.TEL;waid=").append(wuid).append(':').append(phone)
                .append("\nitem1.X-ABLabel:Celular\nEND:VCARD");
        return vcard.toString();
    }

    private static String defaultMime(String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "image" -> "image/jpeg";
            case "video" -> "video/mp4";
            case "audio" -> "audio/mp4";
            default -> "application/pdf";
        };
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().withUpperCase().formatHex(random);
    }
}
