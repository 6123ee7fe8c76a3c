package com.booqing.whatsapp.simulator.evolution;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Evolution's request checks, in the order and words it uses. The JSON schemas of src/validate/message.schema.ts are
 * checked as the jsonschema package reports them (property errors first, then missing required properties;
 * "instance." stripped from paths; a schema description, such as "Invalid format" for number, replaces the message),
 * then the controllers' own checks (sendMessage.controller.ts, whatsapp.baileys.service.ts).
 */
final class EvolutionRequests {

    enum Kind { TEXT, MEDIA, LOCATION, REACTION, BUTTONS, LIST, CONTACT }

    private static final String ROOT = "instance";
    private static final List<String> MEDIA_TYPES = List.of("image", "document", "video", "audio");
    private static final List<String> BUTTON_TYPES = List.of("reply", "copy", "url", "call", "pix");

    private EvolutionRequests() {
    }

    /** Schema problems, empty when the body is valid. */
    static List<String> schemaProblems(Kind kind, JsonNode body) {
        List<String> problems = new ArrayList<>();
        switch (kind) {
            case TEXT -> {
                number(body, problems);
                type(body, "text", "string", problems);
                type(body, "linkPreview", "boolean", problems);
                delay(body, problems);
                quoted(body, problems);
                required(body, ROOT, problems, "number", "text");
            }
            case MEDIA -> {
                number(body, problems);
                enumOf(body, "mediatype", MEDIA_TYPES, problems);
                for (String field : List.of("mimetype", "media", "fileName", "caption")) {
                    type(body, field, "string", problems);
                }
                delay(body, problems);
                quoted(body, problems);
                required(body, ROOT, problems, "number", "mediatype");
            }
            case LOCATION -> {
                number(body, problems);
                type(body, "latitude", "number", problems);
                type(body, "longitude", "number", problems);
                type(body, "name", "string", problems);
                type(body, "address", "string", problems);
                delay(body, problems);
                required(body, ROOT, problems, "number", "latitude", "longitude", "name", "address");
            }
            case REACTION -> {
                JsonNode key = body.get("key");
                if (key != null && !key.isObject()) {
                    problems.add("key is not of a type(s) object");
                } else if (key != null) {
                    type(key, "id", "string", problems, "key.id");
                    type(key, "remoteJid", "string", problems, "key.remoteJid");
                    type(key, "fromMe", "boolean", problems, "key.fromMe");
                    required(key, "key", problems, "id", "remoteJid", "fromMe");
                }
                type(body, "reaction", "string", problems);
                required(body, ROOT, problems, "key", "reaction");
            }
            case BUTTONS -> {
                number(body, problems);
                for (String field : List.of("thumbnailUrl", "title", "description", "footer")) {
                    type(body, field, "string", problems);
                }
                JsonNode buttons = body.get("buttons");
                if (buttons != null && !buttons.isArray()) {
                    problems.add("buttons is not of a type(s) array");
                } else if (buttons != null) {
                    for (int i = 0; i < buttons.size(); i++) {
                        JsonNode button = buttons.get(i);
                        String at = "buttons[" + i + "]";
                        if (!button.isObject()) {
                            problems.add(at + " is not of a type(s) object");
                            continue;
                        }
                        enumOf(button, "type", BUTTON_TYPES, problems, at + ".type");
                        type(button, "displayText", "string", problems, at + ".displayText");
                        required(button, at, problems, "type");
                    }
                }
                delay(body, problems);
                required(body, ROOT, problems, "number");
            }
            case LIST -> {
                number(body, problems);
                for (String field : List.of("title", "description", "footerText", "buttonText")) {
                    type(body, field, "string", problems);
                }
                JsonNode sections = body.get("sections");
                if (sections != null && !sections.isArray()) {
                    problems.add("sections is not of a type(s) array");
                } else if (sections != null) {
                    if (sections.isEmpty()) {
                        problems.add("sections does not meet minimum length of 1");
                    }
                    for (int s = 0; s < sections.size(); s++) {
                        section(sections.get(s), "sections[" + s + "]", problems);
                    }
                }
                delay(body, problems);
                required(body, ROOT, problems, "number", "title", "footerText", "buttonText", "sections");
            }
            case CONTACT -> {
                number(body, problems);
                JsonNode contacts = body.get("contact");
                if (contacts != null && !contacts.isArray()) {
                    problems.add("contact is not of a type(s) array");
                } else if (contacts != null) {
                    if (contacts.isEmpty()) {
                        problems.add("contact does not meet minimum length of 1");
                    }
                    for (int i = 0; i < contacts.size(); i++) {
                        contact(contacts.get(i), "contact[" + i + "]", problems);
                    }
                }
                required(body, ROOT, problems, "number", "contact");
            }
            default -> throw new IllegalStateException("unhandled kind " + kind);
        }
        return problems;
    }

    /** The controllers' checks after the schema; null when the request may be sent. */
    static String controllerProblem(Kind kind, JsonNode body) {
        switch (kind) {
            case TEXT -> {
                if (body.path("text").asText("").trim().isEmpty()) {
                    return "Text is required";
                }
            }
            case MEDIA -> {
                String media = body.path("media").asText(null);
                if (isBase64(media) && body.path("fileName").asText("").isEmpty()
                        && "document".equals(body.path("mediatype").asText())) {
                    return "For base64 the file name must be informed.";
                }
                if (!isUrl(media) && !isBase64(media)) {
                    return "Owned media must be a url or base64";
                }
            }
            case REACTION -> {
                if (!isEmoji(body.path("reaction").asText(""))) {
                    return "Reaction must be a single emoji or empty string";
                }
            }
            case BUTTONS -> {
                return buttonsProblem(body.path("buttons"));
            }
            default -> {
                return null;
            }
        }
        return null;
    }

    /** whatsapp.baileys.service.ts buttonMessage's rules. */
    private static String buttonsProblem(JsonNode buttons) {
        if (!buttons.isArray() || buttons.isEmpty()) {
            return "At least one button is required";
        }
        boolean reply = false;
        boolean pix = false;
        boolean other = false;
        for (JsonNode button : buttons) {
            String type = button.path("type").asText();
            reply |= type.equals("reply");
            pix |= type.equals("pix");
            other |= !type.equals("reply") && !type.equals("pix");
        }
        if (reply && buttons.size() > 3) {
            return "Maximum of 3 reply buttons allowed";
        }
        if (reply && other) {
            return "Reply buttons cannot be mixed with other button types";
        }
        if (pix && buttons.size() > 1) {
            return "Only one PIX button is allowed";
        }
        if (pix && other) {
            return "PIX button cannot be mixed with other button types";
        }
        return null;
    }

    private static void section(JsonNode section, String at, List<String> problems) {
        if (!section.isObject()) {
            problems.add(at + " is not of a type(s) object");
            return;
        }
        type(section, "title", "string", problems, at + ".title");
        JsonNode rows = section.get("rows");
        if (rows != null && !rows.isArray()) {
            problems.add(at + ".rows is not of a type(s) array");
        } else if (rows != null) {
            if (rows.isEmpty()) {
                problems.add(at + ".rows does not meet minimum length of 1");
            }
            for (int r = 0; r < rows.size(); r++) {
                JsonNode row = rows.get(r);
                String rowAt = at + ".rows[" + r + "]";
                if (!row.isObject()) {
                    problems.add(rowAt + " is not of a type(s) object");
                    continue;
                }
                type(row, "title", "string", problems, rowAt + ".title");
                type(row, "description", "string", problems, rowAt + ".description");
                type(row, "rowId", "string", problems, rowAt + ".rowId");
                required(row, rowAt, problems, "title", "rowId");
            }
        }
        required(section, at, problems, "title", "rows");
    }

    private static void contact(JsonNode contact, String at, List<String> problems) {
        if (!contact.isObject()) {
            problems.add(at + " is not of a type(s) object");
            return;
        }
        type(contact, "fullName", "string", problems, at + ".fullName");
        JsonNode wuid = contact.get("wuid");
        if (wuid != null && (!wuid.isTextual() || wuid.asText().length() < 10 || !wuid.asText().matches(".*\\d+.*"))) {
            problems.add("\"wuid\" must be a numeric string");
        }
        JsonNode phone = contact.get("phoneNumber");
        if (phone != null && !phone.isTextual()) {
            problems.add(at + ".phoneNumber is not of a type(s) string");
        } else if (phone != null && phone.asText().length() < 10) {
            problems.add(at + ".phoneNumber does not meet minimum length of 10");
        }
        for (String field : List.of("organization", "email", "url")) {
            type(contact, field, "string", problems, at + "." + field);
        }
        required(contact, at, problems, "fullName", "phoneNumber");
    }

    /** number: {type: string, description: "Invalid format"} — the description replaces the message. */
    private static void number(JsonNode body, List<String> problems) {
        JsonNode number = body.get("number");
        if (number != null && !number.isTextual()) {
            problems.add("Invalid format");
        }
    }

    private static void delay(JsonNode body, List<String> problems) {
        JsonNode delay = body.get("delay");
        if (delay != null && !delay.isIntegralNumber()) {
            problems.add("Enter a value in milliseconds");
        }
    }

    private static void quoted(JsonNode body, List<String> problems) {
        JsonNode quoted = body.get("quoted");
        if (quoted != null && quoted.isObject() && quoted.has("key")) {
            JsonNode key = quoted.get("key");
            if (!key.isObject()) {
                problems.add("quoted.key is not of a type(s) object");
            } else {
                type(key, "id", "string", problems, "quoted.key.id");
                required(key, "quoted.key", problems, "id");
            }
        }
    }

    private static void type(JsonNode body, String field, String type, List<String> problems) {
        type(body, field, type, problems, field);
    }

    private static void type(JsonNode body, String field, String type, List<String> problems, String path) {
        JsonNode value = body.get(field);
        if (value == null) {
            return;
        }
        boolean ok = switch (type) {
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
        if (!ok) {
            problems.add(path + " is not of a type(s) " + type);
        }
    }

    private static void enumOf(JsonNode body, String field, List<String> values, List<String> problems) {
        enumOf(body, field, values, problems, field);
    }

    private static void enumOf(JsonNode body, String field, List<String> values, List<String> problems, String path) {
        JsonNode value = body.get(field);
        if (value == null) {
            return;
        }
        if (!value.isTextual()) {
            problems.add(path + " is not of a type(s) string");
        } else if (!values.contains(value.asText())) {
            problems.add(path + " is not one of enum values: " + String.join(",", values));
        }
    }

    /** jsonschema: "instance requires property \"x\"" at the root, "sections[0] requires property \"x\"" inside. */
    private static void required(JsonNode body, String at, List<String> problems, String... fields) {
        for (String field : fields) {
            if (!body.has(field)) {
                problems.add(at + " requires property \"" + field + "\"");
            }
        }
    }

    /** class-validator's isURL (protocol optional). */
    static boolean isUrl(String value) {
        return value != null && value.matches("(?i)(https?://)?[\\w.-]+\\.[a-z]{2,}(:\\d+)?(/\\S*)?");
    }

    /** class-validator's isBase64: the base64 alphabet, padded to a multiple of 4. */
    static boolean isBase64(String value) {
        return value != null && !value.isEmpty() && value.length() % 4 == 0
                && value.matches("[A-Za-z0-9+/]+={0,2}");
    }

    /**
     * One emoji or "" to remove a reaction: a single pictograph, optionally with skin-tone modifiers, variation
     * selectors and ZWJ-joined parts (a family is one emoji), or a pair of regional indicators (a flag).
     */
    static boolean isEmoji(String value) {
        if (value.isEmpty()) {
            return true;
        }
        int[] points = value.codePoints().toArray();
        int bases = 0;
        int regional = 0;
        boolean joined = false;
        for (int point : points) {
            if (point == 0x200D) {
                joined = true;
            } else if (point == 0xFE0F || point == 0x20E3 || point >= 0x1F3FB && point <= 0x1F3FF
                    || point >= 0xE0020 && point <= 0xE007F) {
                joined = false;
            } else if (point >= 0x1F1E6 && point <= 0x1F1FF) {
                regional++;
            } else if (pictographic(point)) {
                if (!joined) {
                    bases++;
                }
                joined = false;
            } else {
                return false;
            }
        }
        return bases + (regional + 1) / 2 == 1 && regional % 2 == 0;
    }

    private static boolean pictographic(int codePoint) {
        return codePoint >= 0x1F000 && codePoint <= 0x1FAFF
                || codePoint >= 0x2600 && codePoint <= 0x27BF
                || codePoint >= 0x2190 && codePoint <= 0x21FF
                || codePoint >= 0x2B00 && codePoint <= 0x2BFF
                || Set.of(0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x231A, 0x231B, 0x2328, 0x23CF)
                .contains(codePoint)
                || codePoint >= 0x23E9 && codePoint <= 0x23FA;
    }
}
