package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the verifiers' fuzz tests share: an endpoint whose webhook secret is known to the test (sealed the way
 * the management API seals it), requests around fuzzed headers and bodies, an HMAC computed with the JDK's
 * {@link Mac} directly (the oracle, not the production {@link Hmac}), and the mutations applied to a correctly
 * signed request.
 */
final class SignedWebhooks {
    static final String TENANT = "salon-a";
    static final String SECRET = "fuzz-webhook-secret-0123";

    private SignedWebhooks() {
    }

    static SecretBox box() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 13 + 5);
        }
        return new SecretBox(Map.of("fuzz", key));
    }

    static Endpoint endpoint(SecretBox box, ProviderType provider) {
        String id = "ep_" + provider.wireName().replace('-', '_');
        Instant at = Instant.parse("2025-01-01T00:00:00Z");
        return new Endpoint(id, TENANT, "fuzzed endpoint", provider, "https://provider.example", null, null, null,
                null, null, box.seal(SECRET, Endpoint.secretContext(TENANT, id, "webhookSecret")), null, true, true,
                1, at, at);
    }

    static WebhookRequest request(Endpoint endpoint, Map<String, String> headers, byte[] body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/json");
        return new WebhookRequest(endpoint.tenantId(), endpoint.id(), all, body);
    }

    static byte[] hmac(String algorithm, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One change to the bytes, or none: flip bits of a byte, insert, delete, or truncate. */
    static byte[] mutate(byte[] bytes, FuzzedDataProvider data) {
        int kind = data.consumeInt(0, 4);
        if (kind == 0) {
            return bytes;
        }
        int at = data.consumeInt(0, bytes.length);
        byte[] out;
        switch (kind) {
            case 1 -> {
                if (bytes.length == 0) {
                    return bytes;
                }
                out = bytes.clone();
                int i = Math.min(at, bytes.length - 1);
                out[i] ^= data.consumeByte();
            }
            case 2 -> {
                byte[] inserted = data.consumeBytes(4);
                out = new byte[bytes.length + inserted.length];
                System.arraycopy(bytes, 0, out, 0, at);
                System.arraycopy(inserted, 0, out, at, inserted.length);
                System.arraycopy(bytes, at, out, at + inserted.length, bytes.length - at);
            }
            case 3 -> {
                if (at == bytes.length) {
                    return bytes;
                }
                out = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, out, 0, at);
                System.arraycopy(bytes, at + 1, out, at, bytes.length - at - 1);
            }
            default -> out = java.util.Arrays.copyOf(bytes, at);
        }
        return out;
    }

    static String mutate(String text, FuzzedDataProvider data) {
        return new String(mutate(text.getBytes(StandardCharsets.ISO_8859_1), data), StandardCharsets.ISO_8859_1);
    }
}
