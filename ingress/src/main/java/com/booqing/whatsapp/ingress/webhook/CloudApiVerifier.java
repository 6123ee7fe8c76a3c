package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Meta Cloud API: {@code X-Hub-Signature-256: sha256=<hex>} where hex is HMAC-SHA256 of the raw body keyed with
 * the app secret (provider-wire-formats.md §1.2, [META-SDK] utils.ts / webhooks.ts).
 *
 * <p>The hex digits are decoded case-insensitively: Meta sends lower case, and the digest bytes, not their
 * spelling, are what is compared (in constant time). Anything but exactly 64 hex digits after the
 * {@code sha256=} prefix is refused.
 */
public final class CloudApiVerifier implements WebhookVerifier {
    public static final String SIGNATURE_HEADER = "x-hub-signature-256";
    private static final String PREFIX = "sha256=";
    private static final int DIGEST_BYTES = 32;

    private final WebhookSecret secrets;

    public CloudApiVerifier(SecretBox secrets) {
        this.secrets = new WebhookSecret(secrets);
    }

    @Override
    public ProviderType provider() {
        return ProviderType.CLOUD_API;
    }

    @Override
    public List<String> signatureHeaders() {
        return List.of(SIGNATURE_HEADER);
    }

    @Override
    public boolean isAuthentic(Endpoint endpoint, WebhookRequest request) {
        Optional<byte[]> claimed = decode(request.header(SIGNATURE_HEADER));
        if (claimed.isEmpty()) {
            return false;
        }
        return secrets.open(endpoint)
                .map(appSecret -> MessageDigest.isEqual(appSecret.sha256(request.body()), claimed.get()))
                .orElse(false);
    }

    /** The digest the header claims, or empty when the header is missing or not {@code sha256=<64 hex>}. */
    static Optional<byte[]> decode(String header) {
        if (header == null || !header.startsWith(PREFIX) || header.length() != PREFIX.length() + 2 * DIGEST_BYTES) {
            return Optional.empty();
        }
        try {
            return Optional.of(HexFormat.of().parseHex(header, PREFIX.length(), header.length()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public static byte[] hmacSha256(byte[] key, byte[] body) {
        return Hmac.sha256(key, body);
    }
}
