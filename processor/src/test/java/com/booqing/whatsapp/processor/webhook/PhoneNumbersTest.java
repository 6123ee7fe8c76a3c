package com.booqing.whatsapp.processor.webhook;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PhoneNumbersTest {

    @Test
    void turnsWhatsAppIdDigitsIntoE164() {
        assertThat(PhoneNumbers.conversationPhone("16505551234")).isEqualTo("+16505551234");
        assertThat(PhoneNumbers.conversationPhone("31612345678")).isEqualTo("+31612345678");
    }

    @Test
    void normalisesFormattedInternationalNumbers() {
        assertThat(PhoneNumbers.toE164("+1 (983) 555-2319")).contains("+19835552319");
    }

    @Test
    void acceptsPossibleNumbersOutsideKnownRanges() {
        // Israel +972 98... is not an assigned mobile range, but has a possible length.
        assertThat(PhoneNumbers.conversationPhone("972987654321")).isEqualTo("+972987654321");
    }

    @Test
    void keepsDigitsThatAreNotAPossibleNumberWithoutPlus() {
        assertThat(PhoneNumbers.conversationPhone("12")).isEqualTo("12");
        assertThat(PhoneNumbers.isConversationPhone("12")).isTrue();
    }

    @Test
    void anythingElseIsNotAPhone() {
        assertThat(PhoneNumbers.conversationPhone("fowefinoewcnw")).isNull();
        assertThat(PhoneNumbers.conversationPhone("123@g.us")).isNull();
        assertThat(PhoneNumbers.conversationPhone(null)).isNull();
        assertThat(PhoneNumbers.isConversationPhone("+12:34")).isFalse();
    }
}
