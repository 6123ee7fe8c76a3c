package com.booqing.whatsapp.simulator.waha;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Checks WAHA send bodies against the documented request schemas (WAHA docs openapi 2026.7.1: MessageTextRequest,
 * MessageImageRequest, MessageFileRequest, MessageVoiceRequest, MessageVideoRequest, MessageLocationRequest,
 * MessageReactionRequest, SendListRequest, SendButtonsRequest, MessageContactVcardRequest, MessagePollRequest).
 * Problems are reported in class-validator's words, all at once, as Nest's ValidationPipe does.
 */
final class WahaRequests {

    private static final String DIGITS = "\\d{5,20}";
    private static final Set<String> BUTTON_TYPES = Set.of("reply", "url", "call", "copy");

    private WahaRequests() {
    }

    /** chatId as WAHA's ensureSuffix makes it: plain digits get "@c.us". */
    static String chatId(JsonNode body, Problems problems, boolean directOnly) {
        JsonNode node = body.get("chatId");
        if (node == null || !node.isTextual()) {
            problems.add("chatId must be a string");
            return null;
        }
        String chatId = node.asText().trim();
        if (chatId.matches(DIGITS)) {
            return chatId + "@c.us";
        }
        boolean direct = chatId.matches(DIGITS + "@c\\.us") || chatId.matches(DIGITS + "@lid");
        boolean group = chatId.matches("[0-9-]{5,40}@g\\.us");
        if (directOnly && !direct) {
            problems.add("chatId must be a phone number, <phone>@c.us or <number>@lid (direct chats only)");
            return null;
        }
        if (!direct && !group) {
            problems.add("chatId must be a phone number, <phone>@c.us, <id>@g.us or <number>@lid");
            return null;
        }
        return chatId;
    }

    static void text(JsonNode body, String field, Problems problems, boolean nonEmpty) {
        JsonNode node = body.get(field);
        if (node == null || !node.isTextual()) {
            problems.add(field + " must be a string");
        } else if (nonEmpty && node.asText().isBlank()) {
            problems.add(field + " should not be empty");
        }
    }

    static void optionalText(JsonNode body, String field, Problems problems) {
        JsonNode node = body.get(field);
        if (node != null && !node.isNull() && !node.isTextual()) {
            problems.add(field + " must be a string");
        }
    }

    static void optionalBoolean(JsonNode body, String field, Problems problems) {
        JsonNode node = body.get(field);
        if (node != null && !node.isNull() && !node.isBoolean()) {
            problems.add(field + " must be a boolean value");
        }
    }

    /** RemoteFile {mimetype, url, filename?} or BinaryFile {mimetype, data, filename?}. */
    static void file(JsonNode body, String field, Problems problems) {
        JsonNode file = body.get(field);
        if (file == null || !file.isObject()) {
            problems.add(field + " must be an object");
            return;
        }
        text(file, "mimetype", problems.in(field), true);
        JsonNode url = file.get("url");
        JsonNode data = file.get("data");
        boolean hasUrl = url != null && url.isTextual() && !url.asText().isBlank();
        boolean hasData = data != null && data.isTextual() && !data.asText().isBlank();
        if (!hasUrl && !hasData) {
            problems.add(field + ".url or " + field + ".data must be provided");
        }
        if (hasUrl && !url.asText().matches("https?://\\S+")) {
            problems.add(field + ".url must be a URL address");
        }
        if (hasData && !isBase64(data.asText())) {
            problems.add(field + ".data must be base64 encoded");
        }
        optionalText(file, "filename", problems.in(field));
    }

    static void location(JsonNode body, Problems problems) {
        coordinate(body, "latitude", 90, problems);
        coordinate(body, "longitude", 180, problems);
        text(body, "title", problems, false);
    }

    static void reaction(JsonNode body, Problems problems) {
        JsonNode id = body.get("messageId");
        if (id == null || !id.isTextual()) {
            problems.add("messageId must be a string");
        } else if (!id.asText().matches("(true|false)_[^_\\s]+@[a-z.]+_[A-Za-z0-9]+(_\\S+)?")) {
            problems.add("messageId must be a serialized message id like false_11111111111@c.us_AAAAAAAAAAAAAAAAAAAA");
        }
        JsonNode reaction = body.get("reaction");
        if (reaction == null || !reaction.isTextual()) {
            problems.add("reaction must be a string");
        }
    }

    /** SendListMessage {title, description?, footer?, button, sections[{title, rows[{title, rowId, description?}]}]}. */
    static void list(JsonNode body, Problems problems) {
        JsonNode message = body.get("message");
        if (message == null || !message.isObject()) {
            problems.add("message must be an object");
            return;
        }
        Problems inMessage = problems.in("message");
        text(message, "title", inMessage, true);
        text(message, "button", inMessage, true);
        optionalText(message, "description", inMessage);
        optionalText(message, "footer", inMessage);
        JsonNode sections = message.get("sections");
        if (sections == null || !sections.isArray() || sections.isEmpty()) {
            problems.add("message.sections must contain at least 1 elements");
            return;
        }
        for (int s = 0; s < sections.size(); s++) {
            JsonNode section = sections.get(s);
            String at = "message.sections." + s;
            if (!section.isObject()) {
                problems.add(at + " must be an object");
                continue;
            }
            text(section, "title", problems.in(at), true);
            JsonNode rows = section.get("rows");
            if (rows == null || !rows.isArray() || rows.isEmpty()) {
                problems.add(at + ".rows must contain at least 1 elements");
                continue;
            }
            for (int r = 0; r < rows.size(); r++) {
                JsonNode row = rows.get(r);
                String rowAt = at + ".rows." + r;
                if (!row.isObject()) {
                    problems.add(rowAt + " must be an object");
                    continue;
                }
                text(row, "title", problems.in(rowAt), true);
                text(row, "rowId", problems.in(rowAt), true);
            }
        }
    }

    /** SendButtonsRequest {header, headerImage?, body, footer, buttons[{type, text, id?, url?, phoneNumber?, copyCode?}]}. */
    static void buttons(JsonNode body, Problems problems) {
        text(body, "header", problems, false);
        text(body, "body", problems, true);
        text(body, "footer", problems, false);
        if (body.has("headerImage") && !body.get("headerImage").isNull()) {
            file(body, "headerImage", problems);
        }
        JsonNode buttons = body.get("buttons");
        if (buttons == null || !buttons.isArray() || buttons.isEmpty()) {
            problems.add("buttons must contain at least 1 elements");
            return;
        }
        for (int i = 0; i < buttons.size(); i++) {
            JsonNode button = buttons.get(i);
            String at = "buttons." + i;
            if (!button.isObject()) {
                problems.add(at + " must be an object");
                continue;
            }
            text(button, "text", problems.in(at), true);
            String type = button.path("type").asText("reply");
            if (!BUTTON_TYPES.contains(type)) {
                problems.add(at + ".type must be one of the following values: reply, url, call, copy");
                continue;
            }
            switch (type) {
                case "url" -> text(button, "url", problems.in(at), true);
                case "call" -> text(button, "phoneNumber", problems.in(at), true);
                case "copy" -> text(button, "copyCode", problems.in(at), true);
                default -> optionalText(button, "id", problems.in(at));
            }
        }
    }

    /** contacts: [VCardContact {vcard} | Contact {fullName, organization?, phoneNumber, whatsappId?}]. */
    static List<String> contacts(JsonNode body, Problems problems) {
        JsonNode contacts = body.get("contacts");
        List<String> vCards = new ArrayList<>();
        if (contacts == null || !contacts.isArray() || contacts.isEmpty()) {
            problems.add("contacts must contain at least 1 elements");
            return vCards;
        }
        for (int i = 0; i < contacts.size(); i++) {
            JsonNode contact = contacts.get(i);
            String at = "contacts." + i;
            String vcard = contact.path("vcard").asText("");
            if (!vcard.isBlank()) {
                if (!vcard.startsWith("BEGIN:VCARD")) {
                    problems.add(at + ".vcard must start with BEGIN:VCARD");
                }
                vCards.add(vcard);
                continue;
            }
            Problems inContact = problems.in(at);
            text(contact, "fullName", inContact, true);
            text(contact, "phoneNumber", inContact, true);
            if (contact.path("fullName").isTextual() && contact.path("phoneNumber").isTextual()) {
                String phone = contact.path("phoneNumber").asText();
                String waid = contact.path("whatsappId").asText(phone.replaceAll("\\D", ""));
                vCards.add("BEGIN:VCARD\nVERSION:3.0\nFN:" + contact.path("fullName").asText() + "\n"
                        + "TEL;type=CELL;type=VOICE;waid=" + waid + ":" + phone + "\nEND:VCARD");
            }
        }
        return vCards;
    }

    /** MessagePoll {name, options[], multipleAnswers}; WhatsApp polls have 2 to 12 options. */
    static void poll(JsonNode body, Problems problems) {
        JsonNode poll = body.get("poll");
        if (poll == null || !poll.isObject()) {
            problems.add("poll must be an object");
            return;
        }
        text(poll, "name", problems.in("poll"), true);
        JsonNode options = poll.get("options");
        if (options == null || !options.isArray() || options.size() < 2 || options.size() > 12) {
            problems.add("poll.options must contain 2 to 12 elements");
        } else {
            for (int i = 0; i < options.size(); i++) {
                if (!options.get(i).isTextual() || options.get(i).asText().isBlank()) {
                    problems.add("poll.options." + i + " must be a non-empty string");
                }
            }
        }
        optionalBoolean(poll, "multipleAnswers", problems.in("poll"));
    }

    private static void coordinate(JsonNode body, String field, double limit, Problems problems) {
        JsonNode node = body.get(field);
        if (node == null || !node.isNumber()) {
            problems.add(field + " must be a number conforming to the specified constraints");
        } else if (Math.abs(node.asDouble()) > limit) {
            problems.add(field + " must not be greater than " + (int) limit + " or less than -" + (int) limit);
        }
    }

    private static boolean isBase64(String value) {
        try {
            Base64.getMimeDecoder().decode(value);
            return value.matches("[A-Za-z0-9+/=\\r\\n]+");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
