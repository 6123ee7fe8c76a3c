package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Set;

import static com.booqing.whatsapp.sender.provider.Fields.optional;
import static com.booqing.whatsapp.sender.provider.Fields.present;
import static com.booqing.whatsapp.sender.provider.Fields.required;

/**
 * Builds Evolution API v2 send requests (reference §3.3; schemas from EVO-SRC {@code src/validate/message.schema.ts}:
 * textMessageSchema, mediaMessageSchema, locationMessageSchema, reactionMessageSchema, buttonsMessageSchema,
 * listMessageSchema, contactMessageSchema). The instance is a path segment; people are digits.
 */
final class EvolutionMessages {
    static final Set<String> KINDS = Set.of("text", "image", "video", "audio", "document", "location", "contacts",
            "reaction", "buttons", "list");
    static final Map<String, String> UNSUPPORTED = Map.of(
            "sticker", "the gateway targets Evolution's documented sendText/sendMedia/... set, which has no sticker",
            "template", "message templates exist only on the Cloud API");

    /** One Evolution call: the action (sendText, sendMedia, ...) and its JSON body. */
    record Request(String action, ObjectNode body) {
    }

    private final ObjectMapper mapper;

    EvolutionMessages(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Request request(SendCommand command) throws InvalidContentException {
        MessageContent content = command.message();
        String number = Fields.digits(command.to());
        ObjectNode body = mapper.createObjectNode();
        if (content instanceof MessageContent.Reaction r) {
            // The reacted-to message is taken to be the recipient's (fromMe false): the command does not say, and
            // reacting to what a customer wrote is what a business does.
            body.putObject("key")
                    .put("remoteJid", number + "@s.whatsapp.net")
                    .put("fromMe", false)
                    .put("id", required(r.messageId(), "reaction.messageId"));
            body.put("reaction", r.emoji() == null ? "" : r.emoji());
            return new Request("sendReaction", body);
        }
        body.put("number", number);
        if (content instanceof MessageContent.Text t) {
            body.put("text", required(t.body(), "text.body"));
            body.put("linkPreview", Boolean.TRUE.equals(t.previewUrl()));
            return new Request("sendText", body);
        }
        if (content instanceof MessageContent.Media m && !(content instanceof MessageContent.Sticker)) {
            body.put("mediatype", m.kind());
            body.put("mimetype", MediaFiles.mimeType(m));
            body.put("media", MediaFiles.url(m, "Evolution API"));
            body.put("fileName", MediaFiles.fileName(m));
            optional(body, "caption", caption(m));
            return new Request("sendMedia", body);
        }
        if (content instanceof MessageContent.Location l) {
            body.put("latitude", l.latitude());
            body.put("longitude", l.longitude());
            body.put("name", l.name() == null ? "" : l.name());
            body.put("address", l.address() == null ? "" : l.address());
            return new Request("sendLocation", body);
        }
        if (content instanceof MessageContent.Contacts c) {
            body.set("contact", contacts(c));
            return new Request("sendContact", body);
        }
        if (content instanceof MessageContent.Buttons b) {
            buttons(body, b);
            return new Request("sendButtons", body);
        }
        if (content instanceof MessageContent.ListMessage l) {
            list(body, l);
            return new Request("sendList", body);
        }
        throw new InvalidContentException("Evolution API cannot send '" + content.kind() + "' messages");
    }

    private static String caption(MessageContent.Media m) {
        if (m instanceof MessageContent.Image i) {
            return i.caption();
        }
        if (m instanceof MessageContent.Video v) {
            return v.caption();
        }
        if (m instanceof MessageContent.Document d) {
            return d.caption();
        }
        return null;
    }

    /** {@code contact: [{fullName, wuid, phoneNumber}]}; Evolution takes one number per contact, the first. */
    private ArrayNode contacts(MessageContent.Contacts c) throws InvalidContentException {
        if (c.contacts().isEmpty()) {
            throw new InvalidContentException("contacts needs at least one contact");
        }
        ArrayNode list = mapper.createArrayNode();
        for (MessageContent.Contact contact : c.contacts()) {
            if (contact.phones().isEmpty()) {
                throw new InvalidContentException("contacts[].phones needs at least one number");
            }
            String digits = contact.phones().get(0) == null ? "" : contact.phones().get(0).replaceAll("\\D", "");
            if (digits.length() < 10) {
                throw new InvalidContentException("Evolution API needs contact numbers of at least 10 digits");
            }
            list.addObject()
                    .put("fullName", required(contact.name(), "contacts[].name"))
                    .put("wuid", digits)
                    .put("phoneNumber", "+" + digits);
        }
        return list;
    }

    private static void buttons(ObjectNode body, MessageContent.Buttons b) throws InvalidContentException {
        if (b.buttons().isEmpty()) {
            throw new InvalidContentException("buttons needs at least one button");
        }
        optional(body, "title", b.header());
        body.put("description", required(b.body(), "buttons.body"));
        optional(body, "footer", b.footer());
        ArrayNode list = body.putArray("buttons");
        for (MessageContent.Button button : b.buttons()) {
            list.addObject()
                    .put("type", "reply")
                    .put("displayText", required(button.title(), "buttons[].title"))
                    .put("id", required(button.id(), "buttons[].id"));
        }
    }

    /** Evolution requires title, footerText and buttonText; the header is the title, else the body is. */
    private static void list(ObjectNode body, MessageContent.ListMessage l) throws InvalidContentException {
        if (l.sections().isEmpty()) {
            throw new InvalidContentException("list needs at least one section");
        }
        required(l.body(), "list.body");
        if (present(l.header())) {
            body.put("title", l.header());
            body.put("description", l.body());
        } else {
            body.put("title", l.body());
        }
        body.put("footerText", l.footer() == null ? "" : l.footer());
        body.put("buttonText", required(l.buttonText(), "list.buttonText"));
        ArrayNode sections = body.putArray("sections");
        for (MessageContent.Section s : l.sections()) {
            ObjectNode section = sections.addObject();
            section.put("title", required(s.title(), "list sections[].title (Evolution API requires one)"));
            ArrayNode rows = section.putArray("rows");
            if (s.rows().isEmpty()) {
                throw new InvalidContentException("list sections[].rows needs at least one row");
            }
            for (MessageContent.Row r : s.rows()) {
                ObjectNode row = rows.addObject()
                        .put("title", required(r.title(), "list rows[].title"))
                        .put("rowId", required(r.id(), "list rows[].id"));
                optional(row, "description", r.description());
            }
        }
    }
}
