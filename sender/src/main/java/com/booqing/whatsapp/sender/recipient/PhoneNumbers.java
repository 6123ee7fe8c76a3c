package com.booqing.whatsapp.sender.recipient;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

import com.booqing.whatsapp.sender.BoundedMemo;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recipient numbers: international format only, as digits with or without a leading '+'. A national number
 * ("0612345678") is refused rather than guessed, because the gateway serves tenants in many countries.
 * <p>
 * Verdicts are kept per number as written: libphonenumber's parse and validation were the largest single cost of a
 * send (15% of the sender's workers in bench SendBenchmark), and a tenant writes to the same customers again
 * (confirmation, reminder, follow-up). The verdict depends on the number alone, so an entry is never stale; the map
 * is bounded and starts over when full.
 */
public final class PhoneNumbers {
    static final int MAX_KEPT = 50_000;
    private static final Pattern SHAPE = Pattern.compile("\\+?[1-9][0-9]{6,14}");
    /** Kept for a number that is not valid, so that a refusal is remembered too. */
    private static final String INVALID = "";

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final BoundedMemo<String, String> verdicts = new BoundedMemo<>(MAX_KEPT);

    /** @return the number in E.164 ("+31612345678"), or empty when it is not a valid international number */
    public Optional<String> toE164(String raw) {
        if (raw == null || !SHAPE.matcher(raw).matches()) {
            return Optional.empty();
        }
        String verdict = verdicts.get(raw, number -> parse(number).orElse(INVALID));
        return verdict.isEmpty() ? Optional.empty() : Optional.of(verdict);
    }

    int kept() {
        return verdicts.size();
    }

    private Optional<String> parse(String raw) {
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
