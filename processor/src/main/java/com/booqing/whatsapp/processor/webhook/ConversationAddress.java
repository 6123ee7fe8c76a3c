package com.booqing.whatsapp.processor.webhook;

import java.util.regex.Pattern;

/**
 * The part after {@code tenantId:} in a conversation id (and in the events topic key), i.e. whom a conversation
 * is with:
 * <ul>
 *   <li>the customer's phone, E.164 (or bare digits, see {@link PhoneNumbers}): {@code +16505551234};</li>
 *   <li>{@code lid:<digits>} for a customer known only by a WhatsApp LID so far; once the LID's phone is known
 *       the projector merges that conversation into the phone's (see processor/INBOUND.md);</li>
 *   <li>a group's chat id, {@code <id>@g.us}: a group is one conversation, whoever in it wrote.</li>
 * </ul>
 * An {@link com.booqing.whatsapp.common.message.InboundMessage} carries the address in {@code phone} for a phone
 * or a group, and only {@code lid} for a LID-only customer.
 */
public final class ConversationAddress {
    public static final String LID_PREFIX = "lid:";
    private static final Pattern LID = Pattern.compile("[0-9]{1,32}");
    private static final Pattern GROUP = Pattern.compile("[0-9]{1,32}(-[0-9]{1,32})?@g\\.us");

    private ConversationAddress() {
    }

    /** The address of a message's or receipt's conversation, or null when it has none. */
    public static String of(String phone, String lid) {
        if (isAddress(phone)) {
            return phone;
        }
        return isLid(lid) ? LID_PREFIX + lid : null;
    }

    public static boolean isAddress(String s) {
        return PhoneNumbers.isConversationPhone(s) || isGroup(s) || (s != null && s.startsWith(LID_PREFIX)
                && isLid(s.substring(LID_PREFIX.length())));
    }

    public static boolean isGroup(String s) {
        return s != null && GROUP.matcher(s).matches();
    }

    /** The LID of a {@code lid:<digits>} address, else null. */
    public static String lidOf(String address) {
        return address != null && address.startsWith(LID_PREFIX) && isLid(address.substring(LID_PREFIX.length()))
                ? address.substring(LID_PREFIX.length()) : null;
    }

    public static boolean isLid(String lid) {
        return lid != null && LID.matcher(lid).matches();
    }
}
