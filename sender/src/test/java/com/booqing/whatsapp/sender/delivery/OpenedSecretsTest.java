package com.booqing.whatsapp.sender.delivery;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.sender.testing.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenedSecretsTest {
    private final SecretBox box = Fixtures.secretBox();
    private final OpenedSecrets secrets = new OpenedSecrets(box);

    @Test
    void opensTheSameSealedValueToTheSameSecretEveryTime() {
        Sealed sealed = box.seal("token-1", "t:ep:apiKey");

        assertThat(secrets.open(sealed, "t:ep:apiKey")).isEqualTo("token-1");
        assertThat(secrets.open(sealed, "t:ep:apiKey")).isEqualTo("token-1");
    }

    @Test
    void aSecretOpenedForOneEndpointIsNotHandedOutUnderAnotherContext() {
        Sealed sealed = box.seal("token-1", "t:ep_a:apiKey");
        secrets.open(sealed, "t:ep_a:apiKey");

        assertThatThrownBy(() -> secrets.open(sealed, "t:ep_b:apiKey"))
                .isInstanceOf(SecretBox.SealedSecretException.class);
    }

    @Test
    void aChangedSecretIsANewSealedValueAndOpensToTheNewSecret() {
        secrets.open(box.seal("old", "t:ep:apiKey"), "t:ep:apiKey");

        assertThat(secrets.open(box.seal("new", "t:ep:apiKey"), "t:ep:apiKey")).isEqualTo("new");
    }

    @Test
    void staysBoundedWhenManySecretsAreOpened() {
        for (int i = 0; i <= OpenedSecrets.MAX_ENTRIES; i++) {
            secrets.open(box.seal("token-" + i, "t:ep:apiKey"), "t:ep:apiKey");
        }
        Sealed last = box.seal("last", "t:ep:apiKey");

        assertThat(secrets.open(last, "t:ep:apiKey")).isEqualTo("last");
        assertThat(secrets.size()).isLessThanOrEqualTo(OpenedSecrets.MAX_ENTRIES);
    }
}
