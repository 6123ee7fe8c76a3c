package com.booqing.whatsapp.common.crypto;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretBoxTest {
    private static final byte[] K1 = key();
    private static final byte[] K2 = key();

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private static SecretBox box(String... ids) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String id : ids) {
            keys.put(id, id.equals("k1") ? K1 : K2);
        }
        return new SecretBox(keys);
    }

    @Test
    void sealsAndOpensInTheSameContext() {
        SecretBox box = box("k1");
        Sealed s = box.seal("app-secret-123", "endpoint/t/ep_1/webhookSecret");

        assertThat(s.token()).doesNotContain("app-secret-123").startsWith("v1.k1.");
        assertThat(box.openString(s, "endpoint/t/ep_1/webhookSecret")).isEqualTo("app-secret-123");
    }

    @Test
    void aCiphertextCopiedToAnotherOwnerDoesNotOpen() {
        SecretBox box = box("k1");
        Sealed s = box.seal("session-data", "device/t1/dev_a/session");

        assertThatThrownBy(() -> box.open(s, "device/t1/dev_b/session"))
                .isInstanceOf(SecretBox.SealedSecretException.class);
    }

    @Test
    void afterRotationOldCiphertextsOpenAndNewOnesUseTheNewKey() {
        Sealed old = box("k1").seal("token", "ctx");
        SecretBox rotated = box("k2", "k1");

        assertThat(rotated.openString(old, "ctx")).isEqualTo("token");
        assertThat(rotated.needsRotation(old)).isTrue();
        assertThat(rotated.seal("token", "ctx").token()).startsWith("v1.k2.");
    }

    @Test
    void anAlteredCiphertextIsRefused() {
        SecretBox box = box("k1");
        String t = box.seal("token", "ctx").token();
        char last = t.charAt(t.length() - 1);
        Sealed altered = new Sealed(t.substring(0, t.length() - 1) + (last == 'A' ? 'B' : 'A'));

        assertThatThrownBy(() -> box.open(altered, "ctx")).isInstanceOf(SecretBox.SealedSecretException.class);
    }

    @Test
    void refusesToStartWithoutAKey() {
        assertThatThrownBy(() -> SecretBox.fromEnv(new Env(Map.of())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(SecretBox.ENV);
    }

    @Test
    void readsKeysFromTheEnvironment() {
        String v = "new:" + Base64.getEncoder().encodeToString(K2) + ",old:" + Base64.getEncoder().encodeToString(K1);
        SecretBox box = SecretBox.fromEnv(new Env(Map.of(SecretBox.ENV, v)));

        assertThat(box.currentKeyId()).isEqualTo("new");
    }

    @Test
    void sealedValuesNeverPrintTheirToken() {
        Sealed s = box("k1").seal("x", "ctx");

        assertThat(s.toString()).doesNotContain(s.token());
    }
}
