package com.booqing.whatsapp.common.crypto;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretMaskTest {

    @Test
    void showsFirstAndLastFourOfALongSecret() {
        assertThat(SecretMask.of("EAAGm0PX4ZCpsBAKZCv3qS1xyzw")).isEqualTo("EAAG****xyzw");
        assertThat(SecretMask.of("a".repeat(20) + "bcde")).isEqualTo("aaaa****bcde");
    }

    @Test
    void showsOnlyTheLastFourOfAMediumSecret() {
        assertThat(SecretMask.of("abcdefghijkl")).isEqualTo("****ijkl");
        assertThat(SecretMask.of("a".repeat(19) + "bcde")).isEqualTo("****bcde");
    }

    @Test
    void hidesAShortSecretCompletely() {
        assertThat(SecretMask.of("abcdefghijk")).isEqualTo("****");
        assertThat(SecretMask.of("")).isEqualTo("****");
        assertThat(SecretMask.of(null)).isEqualTo("****");
    }

    @Test
    void countsCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDE00";
        assertThat(SecretMask.of(emoji.repeat(11))).isEqualTo("****");
        assertThat(SecretMask.of(emoji.repeat(12))).isEqualTo("****" + emoji.repeat(4));
    }
}
