package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
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
    private static final Logger log = LoggerFactory.getLogger(CloudApiVerifier.class);
    private static final String PREFIX = "sha256=";
    private static final int DIGEST_BYTES = 32;

    private final SecretBox secrets;

    public CloudApiVerifier(SecretBox secrets) {
        this.secrets = secrets;
    }

    @Override
    public ProviderType provider() {
        return ProviderType.CLOUD_API;
    }

    @Override
    public boolean isAuthentic(Endpoint endpoint, WebhookRequest request) {
        if (endpoint.webhookSecret() == null) {
            log.warn("endpoint {} of tenant {} has no app secret; refusing its webhooks", endpoint.id(),
                    endpoint.tenantId());
            return false;
        }
        Optional<byte[]> claimed = decode(request.header(SIGNATURE_HEADER));
        if (claimed.isEmpty()) {
            return false;
        }
        String appSecret = secrets.openString(endpoint.webhookSecret(),
                Endpoint.secretContext(endpoint.tenantId(), endpoint.id(), "webhookSecret"));
        if (appSecret.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(hmacSha256(appSecret.getBytes(StandardCharsets.UTF_8), request.body()),
                claimed.get());
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
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
