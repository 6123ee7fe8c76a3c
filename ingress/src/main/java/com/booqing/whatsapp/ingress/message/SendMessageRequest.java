package com.booqing.whatsapp.ingress.message;

import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.ingress.http.ApiException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Set;

/**
 * Body of {@code POST /api/whatsapp/messages/{tenantId}}, in one of two shapes:
 * <ul>
 *   <li>the brief's: {@code {to, type: "text"|"image"|"video"|"audio"|"document"|"sticker", content, mediaUrl?,
 *       caption?, filename?, mimeType?}}</li>
 *   <li>the full one: {@code {to, message: <MessageContent JSON with its "type">}}, for every outbound kind
 *       (location, contacts, reaction, buttons, list, template as well)</li>
 * </ul>
 * Both take {@code deviceId?, endpointId?, idempotencyKey?, notAfter?} (ISO-8601 instant).
 */
public record SendMessageRequest(
        String to,
        String deviceId,
        String endpointId,
        String type,
        String content,
        String mediaUrl,
        String caption,
        String filename,
        String mimeType,
        MessageContent message,
        String idempotencyKey,
        Instant notAfter) {

    /** WhatsApp's limit on a text message body. */
    public static final int MAX_TEXT_LENGTH = 4096;
    private static final Set<String> INBOUND_ONLY = Set.of("button_reply", "list_reply", "poll_vote", "unsupported");

    /** The content to send, checked; a refusal names the field. */
    public MessageContent toContent() {
        if (message != null && type != null) {
            throw ApiException.badRequest("give either 'message' or 'type' with 'content', not both");
        }
        if (message != null) {
            return checked(message);
        }
        if (type == null) {
            throw ApiException.badRequest("'type' (with 'content' or 'mediaUrl') or 'message' is required");
        }
        return switch (type) {
            case "text" -> new MessageContent.Text(text(content, "content"), null);
            case "image" -> new MessageContent.Image(url(mediaUrl), null, mimeType, captionOrContent());
            case "video" -> new MessageContent.Video(url(mediaUrl), null, mimeType, captionOrContent());
            case "audio" -> new MessageContent.Audio(url(mediaUrl), null, mimeType, null);
            case "document" -> new MessageContent.Document(url(mediaUrl), null, mimeType, captionOrContent(), filename);
            case "sticker" -> new MessageContent.Sticker(url(mediaUrl), null, mimeType);
            default -> throw ApiException.badRequest("type '" + abbreviate(type) + "' cannot be sent with 'content';"
                    + " send {\"message\": {\"type\": ...}} instead");
        };
    }

    private String captionOrContent() {
        if (caption != null) {
            return caption;
        }
        return content == null || content.isBlank() ? null : content;
    }

    private static MessageContent checked(MessageContent m) {
        if (INBOUND_ONLY.contains(m.kind())) {
            throw ApiException.badRequest("message type '" + m.kind() + "' can only be received, not sent");
        }
        if (m instanceof MessageContent.Text t) {
            text(t.body(), "message.body");
        }
        if (m instanceof MessageContent.Media media) {
            if (media.mediaId() == null) {
                url(media.url());
            }
        }
        return m;
    }

    private static String text(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("'" + field + "' must not be empty");
        }
        if (value.length() > MAX_TEXT_LENGTH) {
            throw ApiException.badRequest("'" + field + "' is longer than " + MAX_TEXT_LENGTH + " characters");
        }
        return value;
    }

    private static String url(String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("'mediaUrl' is required for media messages");
        }
        try {
            URI uri = new URI(value);
            if (("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null) {
                return value;
            }
        } catch (URISyntaxException e) {
            // refused below
        }
        throw ApiException.badRequest("'mediaUrl' must be an absolute http(s) URL");
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
