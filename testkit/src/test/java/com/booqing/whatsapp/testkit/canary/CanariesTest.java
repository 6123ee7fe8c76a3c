package com.booqing.whatsapp.testkit.canary;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.crypto.SecretBox;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry hands out fresh secrets in the formats the gateway reads, and the audit searches each. */
class CanariesTest {

    @Test
    void encryptionKeysAreWhatSecretBoxReadsAndEachKeyIsACanary() {
        String keys = Canaries.encryptionKeys("k2", "k1");
        SecretBox box = SecretBox.fromEnv(new Env(Map.of(SecretBox.ENV, keys)));
        assertThat(box.currentKeyId()).isEqualTo("k2");
        byte[] k1 = Base64.getDecoder().decode(keys.substring(keys.indexOf(",k1:") + 4));
        CanaryScanner scanner = new CanaryScanner(Canaries.all());
        assertThat(scanner.scan("t", "env", ("WHATSAPP_ENCRYPTION_KEYS=" + keys).getBytes(StandardCharsets.UTF_8)))
                .extracting(CanaryScanner.Hit::canary).contains("encryption key k1", "encryption key k2");
        assertThat(scanner.scan("t", "raw", k1)).isNotEmpty();
    }

    @Test
    void textSecretsAreFreshAndFoundWhileTheirMaskIsNot() {
        String a = Canaries.text("a secret");
        String b = Canaries.text("a secret");
        assertThat(a).isNotEqualTo(b).hasSize(43);
        assertThat(Canaries.isRegistered(a)).isTrue();
        CanaryScanner scanner = new CanaryScanner(Canaries.all(), 24);
        assertThat(scanner.scan("t", "log", ("key=" + b).getBytes(StandardCharsets.UTF_8))).isNotEmpty();
        String mask = a.substring(0, 4) + "****" + a.substring(a.length() - 4);
        assertThat(scanner.scan("t", "answer", mask.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void aDerivedSecretIsTheSameForTheSameSeedAndDiffersOtherwise() {
        String one = Canaries.derived("endpoint key", "token-", "ep_1");
        assertThat(Canaries.derived("endpoint key", "token-", "ep_1")).isEqualTo(one).startsWith("token-");
        assertThat(Canaries.derived("endpoint key", "token-", "ep_2")).isNotEqualTo(one);
        assertThat(List.of(one)).allMatch(Canaries::isRegistered);
    }
}
