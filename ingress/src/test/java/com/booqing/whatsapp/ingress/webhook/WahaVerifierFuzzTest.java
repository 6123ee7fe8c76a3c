package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WahaVerifier} with a secret the test knows: for any body, any {@code X-Webhook-Hmac} and any
 * {@code X-Webhook-Hmac-Algorithm}, it answers, never throws, and says yes exactly when the algorithm header is
 * absent or sha512 (any case) and the HMAC header is 128 hex digits (any case) spelling the HMAC-SHA512 of those
 * very bytes. Inputs are either arbitrary headers, or WAHA's correct signature of the body after which the body
 * or the header may be changed once. docs/FUZZING.md.
 */
class WahaVerifierFuzzTest {
    private static final Pattern WELL_FORMED = Pattern.compile("[0-9a-fA-F]{128}");

    private final SecretBox box = SignedWebhooks.box();
    private final Endpoint endpoint = SignedWebhooks.endpoint(box, ProviderType.WAHA);
    private final WahaVerifier verifier = new WahaVerifier(box);

    @FuzzTest(maxDuration = "60s")
    void acceptsExactlyTheHmacOfTheBytesReceived(FuzzedDataProvider data) {
        boolean signed = data.consumeBoolean();
        String hmac;
        byte[] body;
        boolean changed = false;
        String algorithm = switch (data.consumeInt(0, 3)) {
            case 0 -> null;
            case 1 -> "sha512";
            case 2 -> data.pickValue(List.of("SHA512", "sha256", "sha-512", "sha512 ", "none", ""));
            default -> data.consumeString(16);
        };
        if (signed) {
            byte[] original = data.consumeBytes(2048);
            String signature = HexFormat.of().formatHex(SignedWebhooks.hmac("HmacSHA512", original));
            if (data.consumeBoolean()) {
                signature = signature.toUpperCase(Locale.ROOT);
            }
            body = SignedWebhooks.mutate(original, data);
            hmac = SignedWebhooks.mutate(signature, data);
            changed = !Arrays.equals(body, original) || !hmac.equalsIgnoreCase(signature);
        } else {
            hmac = data.consumeBoolean() ? null : data.consumeString(300);
            body = data.consumeRemainingAsBytes();
        }
        Map<String, String> headers = new HashMap<>();
        if (hmac != null) {
            headers.put("X-Webhook-Hmac", hmac);
        }
        if (algorithm != null) {
            headers.put("X-Webhook-Hmac-Algorithm", algorithm);
        }

        boolean accepted = verifier.isAuthentic(endpoint, SignedWebhooks.request(endpoint, headers, body));

        assertThat(accepted).as("accepted iff the header is the HMAC of the body").isEqualTo(
                oracle(algorithm, hmac, body));
        if (signed && !changed && (algorithm == null || algorithm.equalsIgnoreCase("sha512"))) {
            assertThat(accepted).as("WAHA's own signature of the body").isTrue();
        }
    }

    private static boolean oracle(String algorithm, String hmac, byte[] body) {
        if (algorithm != null && !algorithm.equalsIgnoreCase("sha512")) {
            return false;
        }
        if (hmac == null || !WELL_FORMED.matcher(hmac).matches()) {
            return false;
        }
        byte[] claimed = HexFormat.of().parseHex(hmac.toLowerCase(Locale.ROOT));
        return MessageDigest.isEqual(claimed, SignedWebhooks.hmac("HmacSHA512", body));
    }
}
