package com.booqing.whatsapp.simulator.cloudapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a send body the way Graph does, as far as the public docs and Meta's OpenAPI describe it
 * (provider-wire-formats.md §1.3): top-level and text problems answer code 100 in Graph's own wording,
 * a missing nested parameter 131008, an invalid value 131009.
 */
final class SendRequestValidator {

    static final List<String> TYPES = List.of("text", "image", "video", "audio", "document", "sticker", "location",
            "contacts", "reaction", "interactive", "template");
    private static final Set<String> MEDIA = Set.of("image", "video", "audio", "document", "sticker");
    private static final int MAX_TEXT = 4096;
    private static final int MAX_CALLBACK_DATA = 512;

    private final ObjectMapper json;

    SendRequestValidator(ObjectMapper json) {
        this.json = json;
    }

    JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw GraphErrors.invalidParameter("The parameter messaging_product is required.");
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw GraphErrors.invalidParameter("Invalid parameter: the request body must be a JSON object.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw GraphErrors.invalidParameter("Invalid parameter: the request body is not valid JSON.");
        }
    }

    static void requireWhatsApp(JsonNode body) {
        JsonNode product = body.get("messaging_product");
        if (product == null || product.isNull()) {
            throw GraphErrors.invalidParameter("The parameter messaging_product is required.");
        }
        if (!product.isTextual() || !"whatsapp".equals(product.asText())) {
            throw GraphErrors.invalidParameter("Param messaging_product must be one of {WHATSAPP} - got \""
                    + product.asText() + "\".");
        }
    }

    /** A "mark as read" request: {messaging_product, status:"read", message_id}. */
    static boolean isReadMark(JsonNode body) {
        return body.has("status") && !body.has("type") && !body.has("to");
    }

    static String readMarkMessageId(JsonNode body) {
        if (!"read".equals(body.path("status").asText())) {
            throw GraphErrors.invalidParameter("Param status must be one of {READ} - got \""
                    + body.path("status").asText() + "\".");
        }
        String messageId = text(body, "message_id");
        if (messageId == null) {
            throw GraphErrors.invalidParameter("The parameter message_id is required.");
        }
        return messageId;
    }

    SendRequest validate(JsonNode body) {
        requireWhatsApp(body);
        String recipientType = body.has("recipient_type") ? body.path("recipient_type").asText() : "individual";
        if (!recipientType.equals("individual") && !recipientType.equals("group")) {
            throw GraphErrors.invalidParameter("Param recipient_type must be one of {INDIVIDUAL, GROUP} - got \""
                    + recipientType + "\".");
        }
        String to = text(body, "to");
        if (to == null) {
            throw GraphErrors.invalidParameter("The parameter to is required.");
        }
        String waId = recipientType.equals("group") ? to : waId(to);
        // Graph treats a missing type as text.
        String type = body.has("type") ? body.path("type").asText() : "text";
        if (!TYPES.contains(type)) {
            throw GraphErrors.invalidParameter("Param type must be one of {"
                    + String.join(", ", TYPES).toUpperCase(Locale.ROOT) + "} - got \"" + type + "\".");
        }
        JsonNode content = body.get(type);
        if (content == null || content.isNull()) {
            throw GraphErrors.invalidParameter("The parameter " + type + " is required.");
        }
        validateContent(type, content);
        validateContext(body);
        String callbackData = null;
        if (body.has("biz_opaque_callback_data")) {
            callbackData = body.path("biz_opaque_callback_data").asText();
            if (callbackData.length() > MAX_CALLBACK_DATA) {
                throw GraphErrors.invalidValue("biz_opaque_callback_data must be at most 512 characters");
            }
        }
        return new SendRequest(to, waId, type, callbackData);
    }

    private static String waId(String to) {
        String digits = to.replaceAll("[\\s()\\-]", "");
        digits = digits.startsWith("+") ? digits.substring(1) : digits;
        if (!digits.matches("\\d{5,20}")) {
            throw GraphErrors.invalidValue("Parameter 'to' must be a phone number or WhatsApp id, got '" + to + "'");
        }
        return digits;
    }

    private static void validateContent(String type, JsonNode content) {
        if (!content.isObject() && !type.equals("contacts")) {
            throw GraphErrors.invalidValue("Parameter '" + type + "' must be an object");
        }
        if (MEDIA.contains(type)) {
            media(type, content);
            return;
        }
        switch (type) {
            case "text" -> text(content);
            case "location" -> location(content);
            case "contacts" -> contacts(content);
            case "reaction" -> reaction(content);
            case "interactive" -> interactive(content);
            case "template" -> template(content);
            default -> throw new IllegalStateException("unhandled type " + type);
        }
    }

    private static void text(JsonNode text) {
        JsonNode body = text.get("body");
        if (body == null || body.isNull() || (body.isTextual() && body.asText().isEmpty())) {
            throw GraphErrors.invalidParameter("The parameter text['body'] is required.");
        }
        if (!body.isTextual()) {
            throw GraphErrors.invalidParameter("Param text['body'] must be a string.");
        }
        if (body.asText().length() > MAX_TEXT) {
            throw GraphErrors.invalidValue("text['body'] must be at most 4096 characters");
        }
    }

    private static void media(String type, JsonNode media) {
        String link = text(media, "link");
        String id = text(media, "id");
        if (link == null && id == null) {
            throw GraphErrors.missingParameter(type + ": either 'id' or 'link' is required");
        }
        if (link != null && id != null) {
            throw GraphErrors.invalidValue(type + ": provide only one of 'id' or 'link'");
        }
        if (link != null && !link.matches("(?i)https?://\\S+")) {
            throw GraphErrors.invalidValue(type + ".link must be an http(s) URL");
        }
    }

    private static void location(JsonNode location) {
        coordinate(location, "latitude", 90);
        coordinate(location, "longitude", 180);
    }

    private static void coordinate(JsonNode location, String field, double bound) {
        JsonNode value = location.get(field);
        if (value == null || value.isNull()) {
            throw GraphErrors.missingParameter("location." + field + " is required");
        }
        double number;
        if (value.isNumber()) {
            number = value.asDouble();
        } else if (value.isTextual()) {
            try {
                number = Double.parseDouble(value.asText());
            } catch (NumberFormatException e) {
                throw GraphErrors.invalidValue("location." + field + " must be a number");
            }
        } else {
            throw GraphErrors.invalidValue("location." + field + " must be a number");
        }
        if (Double.isNaN(number) || Math.abs(number) > bound) {
            throw GraphErrors.invalidValue("location." + field + " is out of range");
        }
    }

    private static void contacts(JsonNode contacts) {
        if (!contacts.isArray() || contacts.isEmpty()) {
            throw GraphErrors.invalidValue("contacts must be a non-empty array");
        }
        for (JsonNode contact : contacts) {
            if (text(contact.path("name"), "formatted_name") == null) {
                throw GraphErrors.missingParameter("contacts[].name.formatted_name is required");
            }
        }
    }

    private static void reaction(JsonNode reaction) {
        if (text(reaction, "message_id") == null) {
            throw GraphErrors.missingParameter("reaction.message_id is required");
        }
        JsonNode emoji = reaction.get("emoji");
        if (emoji != null && !emoji.isNull() && !emoji.isTextual()) {
            throw GraphErrors.invalidValue("reaction.emoji must be a string");
        }
    }

    private static void interactive(JsonNode interactive) {
        String kind = text(interactive, "type");
        if (kind == null) {
            throw GraphErrors.missingParameter("interactive.type is required");
        }
        if (!kind.equals("button") && !kind.equals("list")) {
            throw GraphErrors.invalidValue("interactive.type must be 'button' or 'list' (the only interactive types"
                    + " the simulator models), got '" + kind + "'");
        }
        if (text(interactive.path("body"), "text") == null) {
            throw GraphErrors.missingParameter("interactive.body.text is required");
        }
        JsonNode action = interactive.get("action");
        if (action == null || !action.isObject()) {
            throw GraphErrors.missingParameter("interactive.action is required");
        }
        if (kind.equals("button")) {
            buttons(action);
        } else {
            sections(action);
        }
    }

    private static void buttons(JsonNode action) {
        JsonNode buttons = action.get("buttons");
        if (buttons == null || !buttons.isArray() || buttons.isEmpty()) {
            throw GraphErrors.missingParameter("interactive.action.buttons is required");
        }
        if (buttons.size() > 3) {
            throw GraphErrors.invalidValue("interactive.action.buttons allows at most 3 buttons");
        }
        for (JsonNode button : buttons) {
            if (!"reply".equals(button.path("type").asText())) {
                throw GraphErrors.invalidValue("interactive.action.buttons[].type must be 'reply'");
            }
            String id = text(button.path("reply"), "id");
            String title = text(button.path("reply"), "title");
            if (id == null || title == null) {
                throw GraphErrors.missingParameter("interactive.action.buttons[].reply needs id and title");
            }
            if (title.length() > 20) {
                throw GraphErrors.invalidValue("interactive.action.buttons[].reply.title must be at most 20 characters");
            }
        }
    }

    private static void sections(JsonNode action) {
        if (text(action, "button") == null) {
            throw GraphErrors.missingParameter("interactive.action.button is required");
        }
        JsonNode sections = action.get("sections");
        if (sections == null || !sections.isArray() || sections.isEmpty()) {
            throw GraphErrors.missingParameter("interactive.action.sections is required");
        }
        if (sections.size() > 10) {
            throw GraphErrors.invalidValue("interactive.action.sections allows at most 10 sections");
        }
        int rows = 0;
        for (JsonNode section : sections) {
            JsonNode sectionRows = section.get("rows");
            if (sectionRows == null || !sectionRows.isArray() || sectionRows.isEmpty()) {
                throw GraphErrors.missingParameter("interactive.action.sections[].rows is required");
            }
            for (JsonNode row : sectionRows) {
                if (text(row, "id") == null || text(row, "title") == null) {
                    throw GraphErrors.missingParameter("interactive.action.sections[].rows[] need id and title");
                }
                rows++;
            }
        }
        if (rows > 10) {
            throw GraphErrors.invalidValue("a list message allows at most 10 rows in total");
        }
    }

    private static void template(JsonNode template) {
        if (text(template, "name") == null) {
            throw GraphErrors.missingParameter("template.name is required");
        }
        if (text(template.path("language"), "code") == null) {
            throw GraphErrors.missingParameter("template.language.code is required");
        }
        JsonNode components = template.get("components");
        if (components != null && !components.isNull() && !components.isArray()) {
            throw GraphErrors.invalidValue("template.components must be an array");
        }
    }

    private static void validateContext(JsonNode body) {
        JsonNode context = body.get("context");
        if (context != null && !context.isNull() && text(context, "message_id") == null) {
            throw GraphErrors.missingParameter("context.message_id is required when context is given");
        }
    }

    /** The field as non-blank text, or null. */
    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }
}
