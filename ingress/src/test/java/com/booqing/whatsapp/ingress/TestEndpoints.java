package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.ingress.webhook.CloudApiVerifier;
import com.booqing.whatsapp.ingress.webhook.Hmac;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/** Endpoints with secrets sealed the way the management API seals them, and Meta-style signatures. */
final class TestEndpoints {
    /** The provider access token every endpoint built here carries (sealed). */
    static final String ACCESS_TOKEN = Canaries.text("ingress provider access token");

    private TestEndpoints() {
    }

    static SecretBox newSecretBox() {
        return new SecretBox(Map.of("test", Canaries.key("ingress encryption key")));
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
                box.seal(ACCESS_TOKEN, Endpoint.secretContext(tenantId, endpointId, "apiKey")),
                webhookSecret == null ? null
                        : box.seal(webhookSecret, Endpoint.secretContext(tenantId, endpointId, "webhookSecret")),
                verifyToken == null ? null
                        : box.seal(verifyToken, Endpoint.secretContext(tenantId, endpointId, "verifyToken")),
                active, true, 1, Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"));
    }

    /** X-Webhook-Hmac as WAHA computes it: lower-case hex HMAC-SHA512 of the raw body, keyed by hmac.key. */
    static String wahaHmac(String key, byte[] body) {
        return HexFormat.of().formatHex(Hmac.sha512(key.getBytes(StandardCharsets.UTF_8), body));
    }

    /** The claims Evolution's generateJwtToken() puts in its webhook JWT, issued at {@code iat}. */
    static String evolutionClaims(Instant iat) {
        long s = iat.getEpochSecond();
        return "{\"iat\":" + s + ",\"exp\":" + (s + 600) + ",\"app\":\"evolution\",\"action\":\"webhook\"}";
    }

    /** An HS256 JWT as jsonwebtoken's sign() builds it, with the header and claims given as JSON text. */
    static String jwtHs256(String secret, String headerJson, String claimsJson) {
        String input = base64url(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + base64url(claimsJson.getBytes(StandardCharsets.UTF_8));
        return input + "." + base64url(Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8),
                input.getBytes(StandardCharsets.US_ASCII)));
    }

    static final String HS256_HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    static String base64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** X-Hub-Signature-256 as Meta computes it: lower-case hex HMAC-SHA256 of the raw body, keyed by the app secret. */
    static String cloudApiSignature(String appSecret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(
                CloudApiVerifier.hmacSha256(appSecret.getBytes(StandardCharsets.UTF_8), body));
    }
}
