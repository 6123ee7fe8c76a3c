package com.booqing.whatsapp.ingress.apikey;

import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.ingress.management.NewIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeysTest {
    final ApiKeys.Issued issued = ApiKeys.issue("salon-a", Instant.EPOCH, new NewIds());

    @Test
    void anIssuedKeyHasAVisiblePrefixAndOnlyItsHashIsStored() {
        ApiKey stored = issued.key();

        assertThat(issued.plaintext()).matches("wak_key_[A-Za-z0-9]{16}_[A-Za-z0-9]{40}");
        assertThat(issued.plaintext()).startsWith(stored.prefix() + "_");
        assertThat(stored.prefix()).isEqualTo("wak_" + stored.keyId());
        assertThat(stored.sha256Hex()).hasSize(64).isNotEqualTo(issued.plaintext());
        assertThat(stored.toString()).doesNotContain(issued.plaintext().substring(30));
        assertThat(issued.toString()).doesNotContain(issued.plaintext().substring(30));
        assertThat(ApiKeys.keyIdOf(issued.plaintext())).contains(stored.keyId());
        assertThat(ApiKeys.matches(issued.plaintext(), stored)).isTrue();
    }

    @Test
    void aKeyDifferingInOneCharacterOrRevokedDoesNotMatch() {
        String key = issued.plaintext();
        String changed = key.substring(0, key.length() - 1) + (key.endsWith("a") ? "b" : "a");
        ApiKey stored = issued.key();
        ApiKey revoked = new ApiKey(stored.keyId(), stored.tenantId(), stored.prefix(), stored.sha256Hex(),
                stored.createdAt(), Instant.EPOCH);

        assertThat(ApiKeys.matches(changed, stored)).isFalse();
        assertThat(ApiKeys.matches(key, revoked)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "wak_", "wak_key_short_" + "a", "Bearer x", "wak_key_0123456789abcdef_tooshort",
            "wak_key_0123456789abcdef_0123456789012345678901234567890123456789_extra",
            "wak_key_01234567-9abcdef_0123456789012345678901234567890123456789"})
    void malformedTokensHaveNoKeyId(String token) {
        assertThat(ApiKeys.keyIdOf(token)).isEmpty();
    }
}
