package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * WAHA: {@code X-Webhook-Hmac: <hex>} where hex is HMAC-SHA512 of the raw body keyed with the session webhook's
 * {@code hmac.key} (our endpoint's webhook secret), and {@code X-Webhook-Hmac-Algorithm: sha512}
 * (provider-wire-formats.md §2.2, [WAHA-SRC] WebhookSender, [WAHA-DOCS] how-to/events).
 *
 * <p>An algorithm header naming anything but sha512 is refused rather than ignored, so that a sender cannot
 * steer us to another algorithm. The hex must be exactly 128 digits (any case); the digest bytes are compared
 * in constant time. {@code X-Webhook-Request-Id} (the same across WAHA's retries) and {@code X-Webhook-Timestamp}
 * are kept with the raw webhook; the event id itself stays in the body, where the processor reads it.
 */
public final class WahaVerifier implements WebhookVerifier {
    public static final String HMAC_HEADER = "x-webhook-hmac";
    public static final String ALGORITHM_HEADER = "x-webhook-hmac-algorithm";
    public static final String ALGORITHM = "sha512";
    private static final int DIGEST_BYTES = 64;
    private static final List<String> SIGNATURE_HEADERS = List.of(HMAC_HEADER, ALGORITHM_HEADER);
    private static final List<String> KEPT = List.of("content-type", "user-agent", "x-webhook-request-id",
            "x-webhook-timestamp");

    private final WebhookSecret secrets;

    public WahaVerifier(SecretBox secrets) {
        this.secrets = new WebhookSecret(secrets);
    }

    @Override
    public ProviderType provider() {
        return ProviderType.WAHA;
    }

    @Override
    public List<String> signatureHeaders() {
        return SIGNATURE_HEADERS;
    }

    @Override
    public boolean isAuthentic(Endpoint endpoint, WebhookRequest request) {
        String algorithm = request.header(ALGORITHM_HEADER);
        if (algorithm != null && !ALGORITHM.equalsIgnoreCase(algorithm)) {
            return false;
        }
        Optional<byte[]> claimed = decode(request.header(HMAC_HEADER));
        if (claimed.isEmpty()) {
            return false;
        }
        return secrets.open(endpoint)
                .map(key -> MessageDigest.isEqual(key.sha512(request.body()), claimed.get()))
                .orElse(false);
    }

    @Override
    public List<String> keptHeaders() {
        return KEPT;
    }

    /** The digest the header claims, or empty when the header is missing or not exactly 128 hex digits. */
    static Optional<byte[]> decode(String header) {
        if (header == null || header.length() != 2 * DIGEST_BYTES) {
            return Optional.empty();
        }
        try {
            return Optional.of(HexFormat.of().parseHex(header));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
