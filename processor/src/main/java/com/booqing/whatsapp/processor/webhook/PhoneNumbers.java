package com.booqing.whatsapp.processor.webhook;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Customer numbers as the conversation key uses them.
 *
 * <p>Providers give international numbers as bare digits (Cloud API {@code from}, {@code recipient_id},
 * {@code wa_id}) or formatted ({@code "+1 (983) 555-2319"} in shared contacts). A number that libphonenumber can
 * parse and that is <em>possible</em> (right length for its country code) becomes E.164. Validity of the number
 * range is deliberately not required: libphonenumber's range metadata lags behind new number plans, and WhatsApp
 * has already proven that the number exists. A bare-digit id that is not even a possible number is kept as its
 * digits (without '+'), so the message still reaches a conversation and the odd key is visible to operators;
 * anything else (group ids, usernames) is not a phone.
 */
public final class PhoneNumbers {
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,20}");
    private static final Pattern FORMATTED = Pattern.compile("[+0-9 ().\\-]{1,40}");
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /** @return E.164 ("+16505551234") of an international number given as digits or formatted */
    public static Optional<String> toE164(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String trimmed = raw.trim();
        if (trimmed.isEmpty() || !FORMATTED.matcher(trimmed).matches()) {
            return Optional.empty();
        }
        String international = trimmed.startsWith("+") ? trimmed : "+" + trimmed;
        try {
            Phonenumber.PhoneNumber number = UTIL.parse(international, "ZZ");
            if (!UTIL.isPossibleNumber(number)) {
                return Optional.empty();
            }
            return Optional.of(UTIL.format(number, PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The phone part of a conversation id: E.164 when possible, the bare digits of an id that is not a possible
     * number, otherwise null (no conversation).
     */
    public static String conversationPhone(String raw) {
        Optional<String> e164 = toE164(raw);
        if (e164.isPresent()) {
            return e164.get();
        }
        if (raw != null && DIGITS.matcher(raw.trim()).matches()) {
            return raw.trim();
        }
        return null;
    }

    /** True for what {@link #conversationPhone} returns: E.164 or bare digits. */
    public static boolean isConversationPhone(String phone) {
        return phone != null && (phone.startsWith("+") ? DIGITS.matcher(phone.substring(1)).matches()
                : DIGITS.matcher(phone).matches());
    }
}
