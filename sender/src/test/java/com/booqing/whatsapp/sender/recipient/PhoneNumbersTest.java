package com.booqing.whatsapp.sender.recipient;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PhoneNumbersTest {
    private final PhoneNumbers phones = new PhoneNumbers();

    @Test
    void acceptsInternationalNumbersWithOrWithoutPlus() {
        assertThat(phones.toE164("+31612345678")).contains("+31612345678");
        assertThat(phones.toE164("31612345678")).contains("+31612345678");
        assertThat(phones.toE164("14155552671")).contains("+14155552671");
    }

    @Test
    void refusesNationalFormatsSeparatorsAndNonsense() {
        assertThat(phones.toE164("0612345678")).isEmpty();
        assertThat(phones.toE164("+31 6 12345678")).isEmpty();
        assertThat(phones.toE164("+31-612345678")).isEmpty();
        assertThat(phones.toE164("hello")).isEmpty();
        assertThat(phones.toE164("")).isEmpty();
        assertThat(phones.toE164(null)).isEmpty();
    }

    @Test
    void refusesNumbersNoCountryUses() {
        assertThat(phones.toE164("+3161234")).isEmpty();
        assertThat(phones.toE164("+999123456789")).isEmpty();
    }

    @Test
    void givesTheSameVerdictForANumberSeenBeforeAndStaysBounded() {
        assertThat(phones.toE164("31612345678")).contains("+31612345678");
        assertThat(phones.toE164("31612345678")).contains("+31612345678");
        assertThat(phones.toE164("+999123456789")).isEmpty();
        assertThat(phones.toE164("+999123456789")).isEmpty();

        for (long n = 0; n <= PhoneNumbers.MAX_KEPT; n++) {
            phones.toE164("+4915110" + String.format("%06d", n % 1_000_000));
        }
        assertThat(phones.kept()).isLessThanOrEqualTo(PhoneNumbers.MAX_KEPT);
        assertThat(phones.toE164("+31612345678")).contains("+31612345678");
    }
}
