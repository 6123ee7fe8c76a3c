package com.booqing.whatsapp.sender.provider;

import com.booqing.whatsapp.common.message.MessageContent;

/**
 * A vCard 3.0 for one contact, as WhatsApp clients read it: the name, and each phone with its {@code waid} so the
 * card offers "Message" for numbers on WhatsApp. Text values are escaped per RFC 2426 so a name cannot add lines.
 */
final class VCards {
    private VCards() {
    }

    static String of(MessageContent.Contact contact) throws InvalidContentException {
        String name = escape(Fields.required(contact.name(), "contacts[].name"));
        if (contact.phones().isEmpty()) {
            throw new InvalidContentException("contacts[].phones needs at least one number");
        }
        StringBuilder card = new StringBuilder("BEGIN:VCARD\nVERSION:3.0\nFN:").append(name).append('\n');
        for (String phone : contact.phones()) {
            String digits = phone == null ? "" : phone.replaceAll("\\D", "");
            if (digits.isEmpty()) {
                throw new InvalidContentException("contacts[].phones must be phone numbers");
            }
            card.append("TEL;type=CELL;type=VOICE;waid=").append(digits).append(":+").append(digits).append('\n');
        }
        return card.append("END:VCARD").toString();
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
                .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
    }
}
