package com.booqing.whatsapp.processor.webhook;

import com.booqing.whatsapp.common.message.MessageContent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name and numbers of a shared contact card (vCard 3.0 as WhatsApp writes it:
 * {@code TEL;type=CELL;type=VOICE;waid=16505551234:+1 650-555-1234}). Only FN and TEL are read; a number is
 * E.164 from its {@code waid} when present, else from its value, else kept as written.
 */
public final class VCards {
    private static final Pattern WAID = Pattern.compile("(?i)(?:^|;)waid=([0-9]{1,20})(?:;|$)");
    private static final int MAX_CARD_CHARS = 64 * 1024;

    private VCards() {
    }

    public static MessageContent.Contact parse(String vcard, String fallbackName) {
        String name = null;
        List<String> phones = new ArrayList<>();
        if (vcard != null && vcard.length() <= MAX_CARD_CHARS) {
            for (String line : unfold(vcard)) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String head = line.substring(0, colon);
                String value = line.substring(colon + 1).trim();
                String property = propertyName(head);
                if (property.equals("FN") && name == null && !value.isEmpty()) {
                    name = unescape(value);
                } else if (property.equals("TEL")) {
                    String phone = telephone(head, value);
                    if (phone != null) {
                        phones.add(phone);
                    }
                }
            }
        }
        return new MessageContent.Contact(name != null ? name : fallbackName, phones);
    }

    private static String telephone(String head, String value) {
        Matcher waid = WAID.matcher(head);
        if (waid.find()) {
            String fromWaid = PhoneNumbers.toE164(waid.group(1)).orElse(null);
            if (fromWaid != null) {
                return fromWaid;
            }
        }
        if (value.isEmpty()) {
            return null;
        }
        return PhoneNumbers.toE164(value).orElse(value);
    }

    /** "item1.TEL;waid=..." -> "TEL". */
    private static String propertyName(String head) {
        int semi = head.indexOf(';');
        String name = semi >= 0 ? head.substring(0, semi) : head;
        int dot = name.lastIndexOf('.');
        return (dot >= 0 ? name.substring(dot + 1) : name).trim().toUpperCase(Locale.ROOT);
    }

    /** RFC 6350 line unfolding: a line starting with a space or tab continues the previous one. */
    private static List<String> unfold(String vcard) {
        List<String> lines = new ArrayList<>();
        for (String raw : vcard.split("\r?\n")) {
            if ((raw.startsWith(" ") || raw.startsWith("\t")) && !lines.isEmpty()) {
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + raw.substring(1));
            } else {
                lines.add(raw);
            }
        }
        return lines;
    }

    private static String unescape(String value) {
        return value.replace("\\,", ",").replace("\\;", ";").replace("\\n", " ").replace("\\\\", "\\");
    }
}
