package com.booqing.whatsapp.processor.webhook;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A WhatsApp address as WAHA and Evolution (Baileys, whatsmeow, whatsapp-web.js) write it:
 * {@code user[.agent][:device]@server}.
 * <ul>
 *   <li>{@code <digits>@c.us}, {@code <digits>@s.whatsapp.net}: a phone number (WAHA uses c.us in its own fields,
 *       s.whatsapp.net appears inside engine data and everywhere in Evolution);</li>
 *   <li>{@code <digits>@lid}: a hidden user id (LID), which does not reveal the number;</li>
 *   <li>{@code <id>@g.us}: a group;</li>
 *   <li>anything else (status@broadcast, @newsletter, @broadcast lists, @meta.ai, "me"): not a conversation.</li>
 * </ul>
 * provider-wire-formats.md §2.5 and §3.5; [WAHA-SRC] src/core/utils/jids.ts.
 *
 * @param user the part before '@' without agent or device, e.g. "16505551234"
 */
public record Jid(Kind kind, String user, String raw) {
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,32}");
    private static final Pattern GROUP_USER = Pattern.compile("[0-9]{1,32}(-[0-9]{1,32})?");

    public enum Kind { PHONE, LID, GROUP, OTHER }

    /** @return the address, or null for null/blank input */
    public static Jid parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String s = raw.trim();
        int at = s.lastIndexOf('@');
        if (at <= 0) {
            return new Jid(Kind.OTHER, s, raw);
        }
        String server = s.substring(at + 1).toLowerCase(Locale.ROOT);
        String user = s.substring(0, at);
        int colon = user.indexOf(':');
        if (colon >= 0) {
            user = user.substring(0, colon);
        }
        if ((server.equals("c.us") || server.equals("s.whatsapp.net") || server.equals("lid"))) {
            int dot = user.indexOf('.');
            if (dot >= 0) {
                user = user.substring(0, dot);
            }
        }
        Kind kind = switch (server) {
            // A phone only if it has a conversation phone (at most 20 digits): callers rely on phone() != null.
            case "c.us", "s.whatsapp.net" -> DIGITS.matcher(user).matches() && !user.equals("0")
                    && PhoneNumbers.isConversationPhone(user) ? Kind.PHONE : Kind.OTHER;
            case "lid" -> DIGITS.matcher(user).matches() ? Kind.LID : Kind.OTHER;
            case "g.us" -> GROUP_USER.matcher(user).matches() ? Kind.GROUP : Kind.OTHER;
            default -> Kind.OTHER;
        };
        return new Jid(kind, user, raw);
    }

    public boolean isPhone() {
        return kind == Kind.PHONE;
    }

    public boolean isLid() {
        return kind == Kind.LID;
    }

    public boolean isGroup() {
        return kind == Kind.GROUP;
    }

    /** The customer's number as conversations use it (E.164 when possible), for a phone address; else null. */
    public String phone() {
        return isPhone() ? PhoneNumbers.conversationPhone(user) : null;
    }

    /** The LID's digits, for a LID address; else null. */
    public String lid() {
        return isLid() ? user : null;
    }

    /** The group's chat id ({@code <id>@g.us}), for a group; else null. */
    public String groupId() {
        return isGroup() ? user + "@g.us" : null;
    }
}
