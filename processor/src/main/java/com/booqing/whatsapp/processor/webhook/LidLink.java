package com.booqing.whatsapp.processor.webhook;

/**
 * A provider said that a WhatsApp LID and a phone number are the same account (e.g. Baileys' key.remoteJidAlt,
 * whatsmeow's SenderAlt, WAHA's {@code me.lid}). The processor remembers it per tenant.
 *
 * @param lid   the LID's digits
 * @param phone the number as conversations use it ({@link PhoneNumbers#conversationPhone})
 */
public record LidLink(String lid, String phone) {

    public LidLink {
        if (!ConversationAddress.isLid(lid) || !PhoneNumbers.isConversationPhone(phone)) {
            throw new IllegalArgumentException("a LID link needs LID digits and a conversation phone");
        }
    }

    /** The link between two addresses when one is a LID and the other a phone, else null. */
    public static LidLink between(Jid a, Jid b) {
        if (a == null || b == null) {
            return null;
        }
        Jid lid = a.isLid() ? a : b.isLid() ? b : null;
        Jid phone = a.isPhone() ? a : b.isPhone() ? b : null;
        if (lid == null || phone == null || phone.phone() == null) {
            return null;
        }
        return new LidLink(lid.lid(), phone.phone());
    }
}
