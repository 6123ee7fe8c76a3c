package com.booqing.whatsapp.common.message;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessageStatusTest {

    @Test
    void statusesOnlyMoveForward() {
        assertThat(MessageStatus.SENT.canMoveTo(MessageStatus.READ)).isTrue();
        assertThat(MessageStatus.READ.canMoveTo(MessageStatus.DELIVERED)).isFalse();
        assertThat(MessageStatus.DELIVERED.canMoveTo(MessageStatus.DELIVERED)).isFalse();
    }

    @Test
    void failedIsTerminalButReachableFromAnyLiveState() {
        assertThat(MessageStatus.SENT.canMoveTo(MessageStatus.FAILED)).isTrue();
        assertThat(MessageStatus.FAILED.canMoveTo(MessageStatus.READ)).isFalse();
    }
}
