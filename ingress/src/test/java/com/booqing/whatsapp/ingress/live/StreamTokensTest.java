package com.booqing.whatsapp.ingress.live;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class StreamTokensTest {
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    static final String ADMIN_KEY = "admin-key-0123456789abcdef";

    final StreamTokens tokens = new StreamTokens(ADMIN_KEY, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(60));

    @Test
    void aTokenGrantsItsTenantAndKeyUntilItExpires() {
        StreamTokens.Issued issued = tokens.issue("salon-a", "key_0123456789abcdef");

        assertThat(issued.token()).startsWith("wst_").doesNotContain(ADMIN_KEY);
        assertThat(issued.expiresAt()).isEqualTo(NOW.plusSeconds(60));
        assertThat(tokens.verify(issued.token())).contains(
                new StreamTokens.Grant("salon-a", "key_0123456789abcdef", NOW.plusSeconds(60)));
        assertThat(tokens.verify(tokens.issue("salon-a", null).token()).orElseThrow().keyId()).isNull();
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = tokens.issue("salon-a", null).token();
        StreamTokens later = new StreamTokens(ADMIN_KEY, Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC),
                Duration.ofSeconds(60));

        assertThat(later.verify(token)).isEmpty();
    }

    @Test
    void aTokenWithAnotherTenantOrFromAnotherAdminKeyIsRefused() {
        String token = tokens.issue("salon-a", null).token();
        String payload = token.substring(4, token.indexOf('.'));
        String forged = "wst_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(payload)).replace("salon-a", "salon-b").getBytes())
                + token.substring(token.indexOf('.'));
        StreamTokens otherAdmin = new StreamTokens("another-admin-key-0123456789", Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofSeconds(60));

        assertThat(tokens.verify(forged)).isEmpty();
        assertThat(otherAdmin.verify(token)).isEmpty();
        assertThat(tokens.verify("wst_garbage")).isEmpty();
        assertThat(tokens.verify(null)).isEmpty();
        assertThat(tokens.verify("wst_" + "a".repeat(600) + ".b")).isEmpty();
    }
}
