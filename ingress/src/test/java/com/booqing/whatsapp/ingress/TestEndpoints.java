package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.ingress.webhook.CloudApiVerifier;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/** Endpoints with secrets sealed the way the management API seals them, and Meta-style signatures. */
final class TestEndpoints {
    private TestEndpoints() {
    }

    static SecretBox newSecretBox() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SecretBox(Map.of("test", key));
    }

    static Endpoint cloudApi(SecretBox box, String tenantId, String endpointId, String appSecret, String verifyToken) {
        return endpoint(box, tenantId, endpointId, ProviderType.CLOUD_API, appSecret, verifyToken, true);
    }

    static Endpoint endpoint(SecretBox box, String tenantId, String endpointId, ProviderType provider,
                             String webhookSecret, String verifyToken, boolean active) {
        return new Endpoint(endpointId, tenantId, "test endpoint", provider, "http://127.0.0.1:1",
                provider == ProviderType.CLOUD_API ? "v23.0" : null,
                provider == ProviderType.CLOUD_API ? "1234567890" : null,
                provider == ProviderType.WAHA ? "default" : null,
                provider == ProviderType.EVOLUTION ? "instance" : null,
                box.seal("access-token", Endpoint.secretContext(tenantId, endpointId, "apiKey")),
                webhookSecret == null ? null
                        : box.seal(webhookSecret, Endpoint.secretContext(tenantId, endpointId, "webhookSecret")),
                verifyToken == null ? null
                        : box.seal(verifyToken, Endpoint.secretContext(tenantId, endpointId, "verifyToken")),
                active, true, 1, Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"));
    }

    /** X-Hub-Signature-256 as Meta computes it: lower-case hex HMAC-SHA256 of the raw body, keyed by the app secret. */
    static String cloudApiSignature(String appSecret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(
                CloudApiVerifier.hmacSha256(appSecret.getBytes(StandardCharsets.UTF_8), body));
    }
}
