package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Set;

/**
 * Builds the Cloud API send-message body for each content kind, after Meta's OpenAPI examples
 * (reference §1.3: {@code {messaging_product, recipient_type, to, type, <type>: {...}}}).
 * {@code biz_opaque_callback_data} carries the gateway's message id, so that Meta echoes it on the status
 * webhooks and a receipt can be joined to its message even before the send result is known.
 */
final class CloudApiMessages {
    /** Outbound kinds; the replies and poll votes are inbound-only and have no Cloud API send form. */
    static final Set<String> KINDS = Set.of("text", "image", "video", "audio", "document", "sticker", "location",
            "contacts", "reaction", "buttons", "list", "template");

    private final ObjectMapper mapper;

    CloudApiMessages(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectNode body(SendCommand command) throws InvalidContentException {
        MessageContent content = command.message();
        ObjectNode body = mapper.createObjectNode();
        body.put("messaging_product", "whatsapp");
        body.put("recipient_type", "individual");
        body.put("to", command.to());
        String type = wireType(content);
        body.put("type", type);
        body.set(type, payload(content));
        body.put("biz_opaque_callback_data", command.messageId());
        return body;
    }

    private static String wireType(MessageContent content) {
        if (content instanceof MessageContent.Buttons || content instanceof MessageContent.ListMessage) {
            return "interactive";
        }
        return content.kind();
    }

    private JsonNode payload(MessageContent content) throws InvalidContentException {
        ObjectNode p = mapper.createObjectNode();
        if (content instanceof MessageContent.Text t) {
            p.put("body", required(t.body(), "text.body"));
            p.put("preview_url", Boolean.TRUE.equals(t.previewUrl()));
        } else if (content instanceof MessageContent.Image m) {
            media(p, m);
            optional(p, "caption", m.caption());
        } else if (content instanceof MessageContent.Video m) {
            media(p, m);
            optional(p, "caption", m.caption());
        } else if (content instanceof MessageContent.Audio m) {
            media(p, m);
        } else if (content instanceof MessageContent.Document m) {
            media(p, m);
            optional(p, "caption", m.caption());
            optional(p, "filename", m.filename());
        } else if (content instanceof MessageContent.Sticker m) {
            media(p, m);
        } else if (content instanceof MessageContent.Location l) {
            p.put("latitude", l.latitude());
            p.put("longitude", l.longitude());
            optional(p, "name", l.name());
            optional(p, "address", l.address());
        } else if (content instanceof MessageContent.Contacts c) {
            return contacts(c);
        } else if (content instanceof MessageContent.Reaction r) {
            // The provider's id of the message reacted to; an empty emoji removes the reaction.
            p.put("message_id", required(r.messageId(), "reaction.messageId"));
            p.put("emoji", r.emoji() == null ? "" : r.emoji());
        } else if (content instanceof MessageContent.Buttons b) {
            buttons(p, b);
        } else if (content instanceof MessageContent.ListMessage l) {
            list(p, l);
        } else if (content instanceof MessageContent.Template t) {
            p.put("name", required(t.name(), "template.name"));
            p.putObject("language").put("code", required(t.language(), "template.language"));
            if (!t.components().isEmpty()) {
                p.set("components", mapper.valueToTree(t.components()));
            }
        } else {
            throw new InvalidContentException("the Cloud API cannot send '" + content.kind() + "' messages");
        }
        return p;
    }

    private static void media(ObjectNode p, MessageContent.Media m) throws InvalidContentException {
        if (m.url() != null && !m.url().isBlank()) {
            p.put("link", m.url());
        } else if (m.mediaId() != null && !m.mediaId().isBlank()) {
            p.put("id", m.mediaId());
        } else {
            throw new InvalidContentException(m.kind() + " needs a url or a media id");
        }
    }

    /** Contacts is the one kind whose payload is an array: {@code contacts: [{name, phones}]}. */
    private ArrayNode contacts(MessageContent.Contacts c) throws InvalidContentException {
        if (c.contacts().isEmpty()) {
            throw new InvalidContentException("contacts needs at least one contact");
        }
        ArrayNode list = mapper.createArrayNode();
        for (MessageContent.Contact contact : c.contacts()) {
            String name = required(contact.name(), "contacts[].name");
            ObjectNode entry = list.addObject();
            // formatted_name plus at least one name part is what Meta requires of a contact's name.
            entry.putObject("name").put("formatted_name", name).put("first_name", name);
            ArrayNode phones = entry.putArray("phones");
            for (String phone : contact.phones()) {
                phones.addObject().put("phone", phone);
            }
        }
        return list;
    }

    private static void buttons(ObjectNode p, MessageContent.Buttons b) throws InvalidContentException {
        if (b.buttons().isEmpty()) {
            throw new InvalidContentException("buttons needs at least one button");
        }
        p.put("type", "button");
        textHeader(p, b.header());
        p.putObject("body").put("text", required(b.body(), "buttons.body"));
        footer(p, b.footer());
        ArrayNode list = p.putObject("action").putArray("buttons");
        for (MessageContent.Button button : b.buttons()) {
            list.addObject().put("type", "reply").putObject("reply")
                    .put("id", required(button.id(), "buttons[].id"))
                    .put("title", required(button.title(), "buttons[].title"));
        }
    }

    private static void list(ObjectNode p, MessageContent.ListMessage l) throws InvalidContentException {
        if (l.sections().isEmpty()) {
            throw new InvalidContentException("list needs at least one section");
        }
        p.put("type", "list");
        textHeader(p, l.header());
        p.putObject("body").put("text", required(l.body(), "list.body"));
        footer(p, l.footer());
        ObjectNode action = p.putObject("action");
        action.put("button", required(l.buttonText(), "list.buttonText"));
        ArrayNode sections = action.putArray("sections");
        for (MessageContent.Section s : l.sections()) {
            ObjectNode section = sections.addObject();
            optional(section, "title", s.title());
            ArrayNode rows = section.putArray("rows");
            for (MessageContent.Row r : s.rows()) {
                ObjectNode row = rows.addObject()
                        .put("id", required(r.id(), "list rows[].id"))
                        .put("title", required(r.title(), "list rows[].title"));
                optional(row, "description", r.description());
            }
        }
    }

    private static void textHeader(ObjectNode p, String header) {
        if (header != null && !header.isBlank()) {
            p.putObject("header").put("type", "text").put("text", header);
        }
    }

    private static void footer(ObjectNode p, String footer) {
        if (footer != null && !footer.isBlank()) {
            p.putObject("footer").put("text", footer);
        }
    }

    private static void optional(ObjectNode p, String field, String value) {
        if (value != null && !value.isBlank()) {
            p.put(field, value);
        }
    }

    private static String required(String value, String field) throws InvalidContentException {
        if (value == null || value.isBlank()) {
            throw new InvalidContentException(field + " is required");
        }
        return value;
    }
}
