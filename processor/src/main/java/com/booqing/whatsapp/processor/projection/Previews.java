package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.message.MessageContent;

/** The one-line preview of a message that a conversation list shows. */
public final class Previews {
    static final int MAX_CODE_POINTS = 100;

    private Previews() {
    }

    public static String of(MessageContent content) {
        String text;
        if (content instanceof MessageContent.Text t) {
            text = t.body();
        } else if (content instanceof MessageContent.Image m) {
            text = labelled("image", m.caption());
        } else if (content instanceof MessageContent.Video m) {
            text = labelled("video", m.caption());
        } else if (content instanceof MessageContent.Audio m) {
            text = Boolean.TRUE.equals(m.voice()) ? "[voice message]" : "[audio]";
        } else if (content instanceof MessageContent.Document m) {
            text = labelled("document", m.filename() != null ? m.filename() : m.caption());
        } else if (content instanceof MessageContent.Sticker) {
            text = "[sticker]";
        } else if (content instanceof MessageContent.Location l) {
            text = labelled("location", l.name());
        } else if (content instanceof MessageContent.Contacts c) {
            text = "[contacts] " + c.contacts().size();
        } else if (content instanceof MessageContent.Reaction r) {
            text = "[reaction] " + r.emoji();
        } else if (content instanceof MessageContent.ButtonReply b) {
            text = b.title();
        } else if (content instanceof MessageContent.ListReply l) {
            text = l.title();
        } else if (content instanceof MessageContent.Buttons b) {
            text = b.body();
        } else if (content instanceof MessageContent.ListMessage l) {
            text = l.body();
        } else if (content instanceof MessageContent.Template t) {
            text = labelled("template", t.name());
        } else {
            text = "[" + content.kind() + "]";
        }
        return truncate(text == null ? "[" + content.kind() + "]" : text);
    }

    private static String labelled(String label, String detail) {
        return detail == null || detail.isBlank() ? "[" + label + "]" : "[" + label + "] " + detail;
    }

    private static String truncate(String s) {
        String oneLine = s.replaceAll("\\s+", " ").trim();
        if (oneLine.codePointCount(0, oneLine.length()) <= MAX_CODE_POINTS) {
            return oneLine;
        }
        return oneLine.substring(0, oneLine.offsetByCodePoints(0, MAX_CODE_POINTS - 1)) + "…";
    }
}
