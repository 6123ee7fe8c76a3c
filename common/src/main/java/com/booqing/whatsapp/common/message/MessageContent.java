package com.booqing.whatsapp.common.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Map;

/**
 * What a message says, for both directions. Inbound-only kinds (replies to buttons and lists, poll votes) and
 * outbound-only kinds (buttons, lists, templates) share one vocabulary so that one message model serves the
 * processor, the sender and the read API.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = MessageContent.Text.class, name = "text"),
        @JsonSubTypes.Type(value = MessageContent.Image.class, name = "image"),
        @JsonSubTypes.Type(value = MessageContent.Video.class, name = "video"),
        @JsonSubTypes.Type(value = MessageContent.Audio.class, name = "audio"),
        @JsonSubTypes.Type(value = MessageContent.Document.class, name = "document"),
        @JsonSubTypes.Type(value = MessageContent.Sticker.class, name = "sticker"),
        @JsonSubTypes.Type(value = MessageContent.Location.class, name = "location"),
        @JsonSubTypes.Type(value = MessageContent.Contacts.class, name = "contacts"),
        @JsonSubTypes.Type(value = MessageContent.Reaction.class, name = "reaction"),
        @JsonSubTypes.Type(value = MessageContent.ButtonReply.class, name = "button_reply"),
        @JsonSubTypes.Type(value = MessageContent.ListReply.class, name = "list_reply"),
        @JsonSubTypes.Type(value = MessageContent.PollVote.class, name = "poll_vote"),
        @JsonSubTypes.Type(value = MessageContent.Buttons.class, name = "buttons"),
        @JsonSubTypes.Type(value = MessageContent.ListMessage.class, name = "list"),
        @JsonSubTypes.Type(value = MessageContent.Template.class, name = "template"),
        @JsonSubTypes.Type(value = MessageContent.Unsupported.class, name = "unsupported"),
})
public sealed interface MessageContent {

    /** The wire name of this kind, as in the "type" property. */
    @JsonIgnore
    default String kind() {
        return getClass().getAnnotation(Kind.class).value();
    }

    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @interface Kind {
        String value();
    }

    /** Media is either a public URL (sending) or a provider media id / download URL (receiving). */
    sealed interface Media extends MessageContent {
        String url();

        String mediaId();

        String mimeType();
    }

    @Kind("text")
    record Text(String body, Boolean previewUrl) implements MessageContent {
    }

    @Kind("image")
    record Image(String url, String mediaId, String mimeType, String caption) implements Media {
    }

    @Kind("video")
    record Video(String url, String mediaId, String mimeType, String caption) implements Media {
    }

    /** @param voice true for a push-to-talk voice note */
    @Kind("audio")
    record Audio(String url, String mediaId, String mimeType, Boolean voice) implements Media {
    }

    @Kind("document")
    record Document(String url, String mediaId, String mimeType, String caption, String filename) implements Media {
    }

    @Kind("sticker")
    record Sticker(String url, String mediaId, String mimeType) implements Media {
    }

    @Kind("location")
    record Location(double latitude, double longitude, String name, String address) implements MessageContent {
    }

    @Kind("contacts")
    record Contacts(List<Contact> contacts) implements MessageContent {
        public Contacts {
            contacts = contacts == null ? List.of() : List.copyOf(contacts);
        }
    }

    record Contact(String name, List<String> phones) {
        public Contact {
            phones = phones == null ? List.of() : List.copyOf(phones);
        }
    }

    /** @param emoji empty when a reaction is removed */
    @Kind("reaction")
    record Reaction(String messageId, String emoji) implements MessageContent {
    }

    /** A tap on a reply button, or on a template's quick-reply button (then {@code id} is its payload). */
    @Kind("button_reply")
    record ButtonReply(String id, String title) implements MessageContent {
    }

    @Kind("list_reply")
    record ListReply(String id, String title, String description) implements MessageContent {
    }

    @Kind("poll_vote")
    record PollVote(String pollMessageId, List<String> selectedOptions) implements MessageContent {
        public PollVote {
            selectedOptions = selectedOptions == null ? List.of() : List.copyOf(selectedOptions);
        }
    }

    @Kind("buttons")
    record Buttons(String header, String body, String footer, List<Button> buttons) implements MessageContent {
        public Buttons {
            buttons = buttons == null ? List.of() : List.copyOf(buttons);
        }
    }

    record Button(String id, String title) {
    }

    @Kind("list")
    record ListMessage(String header, String body, String footer, String buttonText, List<Section> sections)
            implements MessageContent {
        public ListMessage {
            sections = sections == null ? List.of() : List.copyOf(sections);
        }
    }

    record Section(String title, List<Row> rows) {
        public Section {
            rows = rows == null ? List.of() : List.copyOf(rows);
        }
    }

    record Row(String id, String title, String description) {
    }

    /**
     * A Cloud API message template. {@code components} follow Meta's shape
     * ({@code [{type: "body", parameters: [{type: "text", text: "..."}]}]}) and are passed through as given.
     */
    @Kind("template")
    record Template(String name, String language, List<Map<String, Object>> components) implements MessageContent {
        public Template {
            components = components == null ? List.of() : List.copyOf(components);
        }
    }

    /** A message kind the gateway does not model; {@code providerType} is the provider's word for it. */
    @Kind("unsupported")
    record Unsupported(String providerType) implements MessageContent {
    }
}
