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
 * Builds WAHA send requests (reference §2.3; WAHA docs openapi 2026.7.1: MessageTextRequest, MessageImageRequest,
 * MessageFileRequest, MessageVoiceRequest, MessageVideoRequest, MessageLocationRequest, MessageReactionRequest,
 * SendListRequest, MessageContactVcardRequest). Every body names the session; people are {@code <digits>@c.us}.
 */
final class WahaMessages {
    static final Set<String> KINDS = Set.of("text", "image", "video", "audio", "document", "location", "contacts",
            "reaction", "list");
    static final Map<String, String> UNSUPPORTED = Map.of(
            "buttons", "WAHA's sendButtons is deprecated and documented as not working on current WhatsApp;"
                    + " send a list or a text instead",
            "sticker", "WAHA's documented send API has no sticker endpoint",
            "template", "message templates exist only on the Cloud API");
    static final String DEFAULT_SESSION = "default";

    /** One WAHA call: method, path under the API URL, JSON body. */
    record Request(String method, String path, ObjectNode body) {
    }

    private final ObjectMapper mapper;

    WahaMessages(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Request request(SendCommand command, String session) throws InvalidContentException {
        MessageContent content = command.message();
        ObjectNode body = mapper.createObjectNode();
        body.put("session", session);
        if (content instanceof MessageContent.Reaction r) {
            // The gateway stores WAHA's bare ids (what inbound messages carry); WAHA's reaction route needs the
            // serialized id, which for a bare one is rebuilt as the recipient's message, as a business reacting to
            // a customer does (Evolution's reactions make the same choice).
            String target = required(r.messageId(), "reaction.messageId");
            body.put("messageId", WahaIds.isSerialized(target) ? target
                    : WahaIds.theirs(Fields.digits(command.to()) + "@c.us", target));
            body.put("reaction", r.emoji() == null ? "" : r.emoji());
            return new Request("PUT", "/api/reaction", body);
        }
        body.put("chatId", Fields.digits(command.to()) + "@c.us");
        if (content instanceof MessageContent.Text t) {
            body.put("text", required(t.body(), "text.body"));
            body.put("linkPreview", Boolean.TRUE.equals(t.previewUrl()));
            return new Request("POST", "/api/sendText", body);
        }
        if (content instanceof MessageContent.Image m) {
            body.set("file", file(m, false));
            optional(body, "caption", m.caption());
            return new Request("POST", "/api/sendImage", body);
        }
        if (content instanceof MessageContent.Video m) {
            ObjectNode file = file(m, true);
            body.set("file", file);
            optional(body, "caption", m.caption());
            body.put("asNote", false);
            body.put("convert", !"video/mp4".equals(file.path("mimetype").asText()));
            return new Request("POST", "/api/sendVideo", body);
        }
        if (content instanceof MessageContent.Audio m && Boolean.TRUE.equals(m.voice())) {
            ObjectNode file = mapper.createObjectNode();
            file.put("mimetype", MediaFiles.mimeType(m));
            file.put("url", MediaFiles.url(m, "WAHA"));
            body.set("file", file);
            // WhatsApp plays voice notes only as OPUS in OGG; WAHA converts anything else with ffmpeg.
            body.put("convert", !file.path("mimetype").asText().startsWith("audio/ogg"));
            return new Request("POST", "/api/sendVoice", body);
        }
        if (content instanceof MessageContent.Audio m) {
            body.set("file", file(m, true));
            return new Request("POST", "/api/sendFile", body);
        }
        if (content instanceof MessageContent.Document m) {
            body.set("file", file(m, true));
            optional(body, "caption", m.caption());
            return new Request("POST", "/api/sendFile", body);
        }
        if (content instanceof MessageContent.Location l) {
            body.put("latitude", l.latitude());
            body.put("longitude", l.longitude());
            body.put("title", present(l.name()) ? l.name() : present(l.address()) ? l.address() : "");
            return new Request("POST", "/api/sendLocation", body);
        }
        if (content instanceof MessageContent.Contacts c) {
            body.set("contacts", contacts(c));
            return new Request("POST", "/api/sendContactVcard", body);
        }
        if (content instanceof MessageContent.ListMessage l) {
            body.set("message", list(l));
            return new Request("POST", "/api/sendList", body);
        }
        throw new InvalidContentException("WAHA cannot send '" + content.kind() + "' messages");
    }

    private ObjectNode file(MessageContent.Media m, boolean withName) throws InvalidContentException {
        ObjectNode file = mapper.createObjectNode();
        file.put("mimetype", MediaFiles.mimeType(m));
        file.put("url", MediaFiles.url(m, "WAHA"));
        if (withName || m instanceof MessageContent.Document) {
            file.put("filename", MediaFiles.fileName(m));
        }
        return file;
    }

    private ArrayNode contacts(MessageContent.Contacts c) throws InvalidContentException {
        if (c.contacts().isEmpty()) {
            throw new InvalidContentException("contacts needs at least one contact");
        }
        ArrayNode list = mapper.createArrayNode();
        for (MessageContent.Contact contact : c.contacts()) {
            list.addObject().put("vcard", VCards.of(contact));
        }
        return list;
    }

    /** The list's header becomes WAHA's required title; without one, the body is the title. */
    private ObjectNode list(MessageContent.ListMessage l) throws InvalidContentException {
        if (l.sections().isEmpty()) {
            throw new InvalidContentException("list needs at least one section");
        }
        required(l.body(), "list.body");
        ObjectNode message = mapper.createObjectNode();
        if (present(l.header())) {
            message.put("title", l.header());
            message.put("description", l.body());
        } else {
            message.put("title", l.body());
        }
        optional(message, "footer", l.footer());
        message.put("button", required(l.buttonText(), "list.buttonText"));
        ArrayNode sections = message.putArray("sections");
        for (MessageContent.Section s : l.sections()) {
            ObjectNode section = sections.addObject();
            section.put("title", required(s.title(), "list sections[].title (WAHA requires one)"));
            ArrayNode rows = section.putArray("rows");
            for (MessageContent.Row r : s.rows()) {
                ObjectNode row = rows.addObject()
                        .put("title", required(r.title(), "list rows[].title"))
                        .put("rowId", required(r.id(), "list rows[].id"));
                optional(row, "description", r.description());
            }
        }
        return message;
    }
}
