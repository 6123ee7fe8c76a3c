package com.booqing.whatsapp.processor.webhook;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JidTest {

    @Test
    void readsPhonesInBothServerSpellingsWithoutTheDevice() {
        assertThat(Jid.parse("16505551234@c.us").phone()).isEqualTo("+16505551234");
        assertThat(Jid.parse("16505551234@s.whatsapp.net").phone()).isEqualTo("+16505551234");
        assertThat(Jid.parse("444444444444:42@s.whatsapp.net").phone()).isEqualTo("+444444444444");
    }

    @Test
    void readsLidsAndGroups() {
        assertThat(Jid.parse("123456789012345@lid").lid()).isEqualTo("123456789012345");
        assertThat(Jid.parse("123456789012345:3@lid").lid()).isEqualTo("123456789012345");
        assertThat(Jid.parse("120363025246125486@g.us").groupId()).isEqualTo("120363025246125486@g.us");
        assertThat(Jid.parse("5511999999999-1600000000@g.us").isGroup()).isTrue();
    }

    @Test
    void treatsEverythingElseAsNoConversation() {
        assertThat(Jid.parse("status@broadcast").kind()).isEqualTo(Jid.Kind.OTHER);
        assertThat(Jid.parse("120363000000000000@newsletter").kind()).isEqualTo(Jid.Kind.OTHER);
        assertThat(Jid.parse("0@s.whatsapp.net").kind()).isEqualTo(Jid.Kind.OTHER);
        assertThat(Jid.parse("me").kind()).isEqualTo(Jid.Kind.OTHER);
        assertThat(Jid.parse("abc@c.us").phone()).isNull();
        assertThat(Jid.parse("")).isNull();
    }

    @Test
    void addressesConversationsByPhoneLidOrGroup() {
        assertThat(ConversationAddress.of("+16505551234", "123")).isEqualTo("+16505551234");
        assertThat(ConversationAddress.of(null, "123")).isEqualTo("lid:123");
        assertThat(ConversationAddress.of("120363025246125486@g.us", null)).isEqualTo("120363025246125486@g.us");
        assertThat(ConversationAddress.of("lid:123", null)).isEqualTo("lid:123");
        assertThat(ConversationAddress.of("status@broadcast", "12a")).isNull();
        assertThat(ConversationAddress.lidOf("lid:123")).isEqualTo("123");
        assertThat(ConversationAddress.lidOf("+1650")).isNull();
    }
}
