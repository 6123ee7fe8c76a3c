package com.booqing.whatsapp.ingress.management;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MaskingTest {
    final ObjectMapper json = Json.strict();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "EAAGm0PZC1234567890abcdefQxYz, EAAG****QxYz",
            "abcdefghijklmnopqrstuvwx, abcd****uvwx",
            "abcdefghijklmnopqrstuvw, ****tuvw",
            "abcdefghijkl, ****ijkl",
            "abcdefghijk, ****",
            "a, ****"})
    void showsAtMostFourCharactersAtEachEndAndNeverAThird(String secret, String mask) {
        assertThat(Masking.mask(secret)).isEqualTo(mask);
        assertThat(Masking.isMask(mask)).isTrue();
    }

    @Test
    void neverSplitsACharacterOutsideTheBasicPlaneAndKeepsOnlyTrueMasksWhenScrubbing() {
        String emoji = "\uD83D\uDD11";
        String secret = emoji.repeat(24);

        String mask = Masking.mask(secret);

        assertThat(mask).isEqualTo(emoji.repeat(4) + "****" + emoji.repeat(4));
        assertThat(Masking.isMask(mask)).isTrue();
        assertThat(Masking.isMask("abcd****efghijkl")).as("a plaintext that merely contains ****").isFalse();
        assertThat(Masking.isMask("ab****cd")).isFalse();
    }

    @Test
    void scrubsSecretFieldsAtAnyDepthAndDropsHashesAndSessions() throws Exception {
        JsonNode in = json.readTree("{\"apiKey\":\"plain-api-key-value\",\"webhookSecret\":\"abcd****wxyz\","
                + "\"items\":[{\"hmacKey\":\"v1.k.sealedtoken\",\"appSecret\":null,\"name\":\"kept\"}],"
                + "\"sha256Hex\":\"00ff\",\"sessionData\":\"{}\",\"verifyToken\":42}");

        JsonNode out = Masking.scrub(in);

        assertThat(out.toString()).isEqualTo("{\"apiKey\":\"****\",\"webhookSecret\":\"abcd****wxyz\","
                + "\"items\":[{\"hmacKey\":\"****\",\"appSecret\":null,\"name\":\"kept\"}],\"verifyToken\":\"****\"}");
        assertThat(in.get("apiKey").asText()).isEqualTo("plain-api-key-value");
    }

    @Test
    void rendersAnEndpointWithEachSecretOpenedAndMasked() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        SecretBox box = new SecretBox(Map.of("k1", key));
        SecretBox otherBox = new SecretBox(Map.of("k2", key));
        Endpoint e = new Endpoint("ep_1", "t1", "Cloud", ProviderType.CLOUD_API, "https://graph.facebook.com",
                "v23.0", "123", null, null,
                box.seal("EAAGaccess-token-0123456789", Endpoint.secretContext("t1", "ep_1", "apiKey")),
                box.seal("app-secret-12345", Endpoint.secretContext("t1", "ep_1", "webhookSecret")),
                otherBox.seal("verify-token", Endpoint.secretContext("t1", "ep_1", "verifyToken")),
                true, true, 1, Instant.EPOCH, Instant.EPOCH);

        JsonNode view = ResourceViews.endpoint(e, box, "https://gw/api/whatsapp/webhook/t1/ep_1", json);

        assertThat(view.get("apiKey").asText()).isEqualTo("EAAG****6789");
        assertThat(view.get("webhookSecret").asText()).isEqualTo("****2345");
        assertThat(view.get("verifyToken").asText()).as("a secret that cannot be opened").isEqualTo("****");
        assertThat(view.get("provider").asText()).isEqualTo("cloud-api");
        assertThat(view.toString()).doesNotContain("v1.");
    }
}
