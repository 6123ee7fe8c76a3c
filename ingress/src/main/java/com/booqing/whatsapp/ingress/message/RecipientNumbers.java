package com.booqing.whatsapp.ingress.message;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recipient numbers to E.164, the same rules as the sender's {@code recipient.PhoneNumbers} (international format
 * only), because the idempotency fingerprint is taken over the E.164 form. A copy until it moves to common: the
 * two must not drift apart.
 */
final class RecipientNumbers {
    private static final Pattern SHAPE = Pattern.compile("\\+?[1-9][0-9]{6,14}");

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();

    /** @return the number in E.164 ("+31612345678"), or empty when it is not a valid international number */
    Optional<String> toE164(String raw) {
        if (raw == null || !SHAPE.matcher(raw).matches()) {
            return Optional.empty();
        }
        String withPlus = raw.startsWith("+") ? raw : "+" + raw;
        try {
            Phonenumber.PhoneNumber number = util.parse(withPlus, "ZZ");
            if (!util.isValidNumber(number)) {
                return Optional.empty();
            }
            return Optional.of(util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }
}
