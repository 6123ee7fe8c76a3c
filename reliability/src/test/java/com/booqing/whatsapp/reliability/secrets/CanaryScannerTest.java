package com.booqing.whatsapp.reliability.secrets;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The search finds a secret however a leak would spell it, and only a secret. */
class CanaryScannerTest {
    private static final String SECRET = "abcd\"sec\\ret/+&=% 0123456789abcdef-wxyz";
    private static final byte[] KEY = HexFormat.of().parseHex(
            "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210");

    private final CanaryScanner scanner = new CanaryScanner(List.of(Canary.text("secret", SECRET),
            Canary.binary("key", KEY)));

    @Test
    void findsTheSecretInEveryEncodingAtEveryByteAlignment() {
        byte[] s = SECRET.getBytes(StandardCharsets.UTF_8);
        assertFound("plain", SECRET);
        for (String prefix : List.of("", "u", "us", "user:")) {
            byte[] withPrefix = (prefix + SECRET + "tail").getBytes(StandardCharsets.UTF_8);
            assertFound("Basic " + Base64.getEncoder().encodeToString(withPrefix));
            assertFound(Base64.getUrlEncoder().withoutPadding().encodeToString(withPrefix));
        }
        assertFound(HexFormat.of().formatHex(s));
        assertFound(HexFormat.of().withUpperCase().formatHex(s));
        assertFound("q=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8));
        assertFound("q=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8).replace("+", "%20"));
        assertFound("{\"k\":\"" + SECRET.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
        assertFound("{\"k\":\"" + SECRET.replace("\\", "\\\\").replace("\"", "\\u0022") + "\"}");
    }

    @Test
    void findsABinaryKeyRawAndEncoded() {
        assertThat(scanner.scan("t", "raw", concat("x".getBytes(StandardCharsets.UTF_8), KEY))).isNotEmpty();
        assertFound("k1:" + Base64.getEncoder().encodeToString(KEY));
        assertFound(HexFormat.of().formatHex(KEY));
    }

    @Test
    void aMaskedSecretAndUnrelatedTextAreNotHits() {
        assertThat(scanner.scan("t", "mask", ("{\"apiKey\":\"abcd****wxyz\"} " + SECRET.substring(0, 20))
                .getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void aSecretAllowedInAnItemIsNotCountedThere() {
        assertThat(scanner.scan("t", "issued", SECRET.getBytes(StandardCharsets.UTF_8), Set.of("secret")))
                .isEmpty();
        assertThat(scanner.tallies().get("t").hits).isZero();
    }

    private void assertFound(String haystack) {
        assertThat(scanner.scan("t", "x", haystack.getBytes(StandardCharsets.UTF_8))).as(haystack).isNotEmpty();
    }

    private void assertFound(String what, String haystack) {
        assertThat(scanner.scan("t", what, haystack.getBytes(StandardCharsets.UTF_8))).as(what).isNotEmpty();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
