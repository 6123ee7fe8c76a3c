package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CloudApiVerifier} with a secret the test knows: for any body and any {@code X-Hub-Signature-256} value
 * it answers, never throws, and says yes exactly when the header is {@code sha256=} and 64 hex digits (any case)
 * spelling the HMAC-SHA256 of those very bytes. Inputs are either an arbitrary header, or Meta's correct
 * signature of the body after which the body or the header may be changed once. docs/FUZZING.md.
 */
class CloudApiVerifierFuzzTest {
    private static final Pattern WELL_FORMED = Pattern.compile("sha256=[0-9a-fA-F]{64}");

    private final SecretBox box = SignedWebhooks.box();
    private final Endpoint endpoint = SignedWebhooks.endpoint(box, ProviderType.CLOUD_API);
    private final CloudApiVerifier verifier = new CloudApiVerifier(box);

    @FuzzTest(maxDuration = "60s")
    void acceptsExactlyTheHmacOfTheBytesReceived(FuzzedDataProvider data) {
        boolean signed = data.consumeBoolean();
        String header;
        byte[] body;
        boolean changed = false;
        if (signed) {
            byte[] original = data.consumeBytes(2048);
            String signature = "sha256=" + HexFormat.of().formatHex(SignedWebhooks.hmac("HmacSHA256", original));
            if (data.consumeBoolean()) {
                signature = signature.toUpperCase(Locale.ROOT).replace("SHA256=", "sha256=");
            }
            body = SignedWebhooks.mutate(original, data);
            header = SignedWebhooks.mutate(signature, data);
            changed = !java.util.Arrays.equals(body, original) || !header.equalsIgnoreCase(signature);
        } else {
            header = data.consumeBoolean() ? null : data.consumeString(200);
            body = data.consumeRemainingAsBytes();
        }
        Map<String, String> headers = new HashMap<>();
        if (header != null) {
            headers.put(data.consumeBoolean() ? "X-Hub-Signature-256" : "x-hub-signature-256", header);
        }

        boolean accepted = verifier.isAuthentic(endpoint, SignedWebhooks.request(endpoint, headers, body));

        assertThat(accepted).as("accepted iff the header is the HMAC of the body").isEqualTo(oracle(header, body));
        if (signed && !changed) {
            assertThat(accepted).as("Meta's own signature of the body").isTrue();
        }
    }

    private static boolean oracle(String header, byte[] body) {
        if (header == null || !WELL_FORMED.matcher(header).matches()) {
            return false;
        }
        byte[] claimed = HexFormat.of().parseHex(header.substring("sha256=".length()).toLowerCase(Locale.ROOT));
        return MessageDigest.isEqual(claimed, SignedWebhooks.hmac("HmacSHA256", body));
    }
}
