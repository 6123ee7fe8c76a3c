package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.ingress.webhook.WahaVerifier;
import com.booqing.whatsapp.ingress.webhook.WebhookRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WahaVerifierTest {
    /*
     * WAHA's published example, verbatim: devlikeapro/waha-docs content/docs/how-to/events/index.md, section
     * "HMAC authentication" (provider-wire-formats.md §2.2 [WAHA-DOCS]).
     */
    static final byte[] PUBLISHED_BODY = "{\"event\":\"message\",\"session\":\"default\",\"engine\":\"WEBJS\"}"
            .getBytes(StandardCharsets.UTF_8);
    static final String PUBLISHED_KEY = "my-secret-key";
    static final String PUBLISHED_HMAC = "208f8a55dde9e05519e898b10b89bf0d0b3b0fdf11fdbf09b6b90476301b98d8"
            + "097c462b2b17a6ce93b6b47a136cf2e78a33a63f6752c2c1631777076153fa89";

    final SecretBox box = TestEndpoints.newSecretBox();
    final Endpoint endpoint = TestEndpoints.endpoint(box, "salon-a", "ep_waha", ProviderType.WAHA, PUBLISHED_KEY,
            null, true);
    final WahaVerifier verifier = new WahaVerifier(box);

    static WebhookRequest request(byte[] body, String hmac, String algorithm) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        if (hmac != null) {
            headers.put("X-Webhook-Hmac", hmac);
        }
        if (algorithm != null) {
            headers.put("X-Webhook-Hmac-Algorithm", algorithm);
        }
        return new WebhookRequest("salon-a", "ep_waha", headers, body);
    }

    @Test
    void computesWahasPublishedTestVector() {
        String hmac = TestEndpoints.wahaHmac(PUBLISHED_KEY, PUBLISHED_BODY);

        assertThat(hmac).startsWith("208f8a55").endsWith("53fa89").isEqualTo(PUBLISHED_HMAC);
    }

    @Test
    void acceptsWahasPublishedExample() {
        assertThat(verifier.isAuthentic(endpoint, request(PUBLISHED_BODY, PUBLISHED_HMAC, "sha512"))).isTrue();
    }

    @Test
    void acceptsAMissingAlgorithmHeaderAndUpperCaseHex() {
        String upper = PUBLISHED_HMAC.toUpperCase(Locale.ROOT);

        assertThat(verifier.isAuthentic(endpoint, request(PUBLISHED_BODY, PUBLISHED_HMAC, null))).isTrue();
        assertThat(verifier.isAuthentic(endpoint, request(PUBLISHED_BODY, upper, "sha512"))).isTrue();
    }

    @Test
    void refusesAnyAlgorithmButSha512() {
        for (String algorithm : new String[] {"sha256", "md5", "", "sha512 ", "none"}) {
            assertThat(verifier.isAuthentic(endpoint, request(PUBLISHED_BODY, PUBLISHED_HMAC, algorithm)))
                    .as(algorithm).isFalse();
        }
    }

    @Test
    void refusesWrongKeyChangedBodyAndMalformedHmac() {
        byte[] changed = PUBLISHED_BODY.clone();
        changed[10] ^= 0x01;

        assertThat(verifier.isAuthentic(endpoint,
                request(PUBLISHED_BODY, TestEndpoints.wahaHmac("guess", PUBLISHED_BODY), "sha512"))).isFalse();
        assertThat(verifier.isAuthentic(endpoint, request(changed, PUBLISHED_HMAC, "sha512"))).isFalse();
        assertThat(verifier.isAuthentic(endpoint, request(PUBLISHED_BODY, null, "sha512"))).isFalse();
        assertThat(verifier.isAuthentic(endpoint, request(PUBLISHED_BODY, "", "sha512"))).isFalse();
        assertThat(verifier.isAuthentic(endpoint,
                request(PUBLISHED_BODY, PUBLISHED_HMAC.substring(2), "sha512"))).isFalse();
        assertThat(verifier.isAuthentic(endpoint,
                request(PUBLISHED_BODY, PUBLISHED_HMAC.substring(0, 126) + "zz", "sha512"))).isFalse();
        assertThat(verifier.isAuthentic(endpoint,
                request(PUBLISHED_BODY, "sha512=" + PUBLISHED_HMAC, "sha512"))).isFalse();
    }

    @Test
    void refusesEverythingForAnEndpointWithoutAKey() {
        Endpoint keyless = TestEndpoints.endpoint(box, "salon-a", "ep_waha", ProviderType.WAHA, null, null, true);

        assertThat(verifier.isAuthentic(keyless, request(PUBLISHED_BODY, PUBLISHED_HMAC, "sha512"))).isFalse();
    }
}
