package com.booqing.whatsapp.processor.webhook;

import com.booqing.whatsapp.common.message.MessageContent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VCardsTest {

    @Test
    void prefersTheWhatsAppIdOfANumberOverItsFormattedValue() {
        String card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\r\nitem1.TEL;waid=5511977776666:+55 11 97777-6666\r\n"
                + "TEL;type=HOME:+1 (650) 555-1234\r\nTEL:ext. 12\r\nEND:VCARD";

        assertThat(VCards.parse(card, "fallback")).isEqualTo(new MessageContent.Contact("Ana",
                List.of("+5511977776666", "+16505551234", "ext. 12")));
    }

    @Test
    void unfoldsContinuedLinesAndUnescapesTheName() {
        String card = "BEGIN:VCARD\nFN:Smith\\, John\n  Jr.\nEND:VCARD";

        assertThat(VCards.parse(card, null).name()).isEqualTo("Smith, John Jr.");
    }

    @Test
    void fallsBackToTheDisplayNameWithoutAnFn() {
        assertThat(VCards.parse("BEGIN:VCARD\nEND:VCARD", "Maria")).isEqualTo(
                new MessageContent.Contact("Maria", List.of()));
        assertThat(VCards.parse(null, "Maria").name()).isEqualTo("Maria");
    }
}
