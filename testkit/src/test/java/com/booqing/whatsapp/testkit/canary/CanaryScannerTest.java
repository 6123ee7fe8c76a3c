package com.booqing.whatsapp.testkit.canary;

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
        assertThat(scanner.tallies().get("t").hits()).isZero();
    }

    @Test
    void aScannerCappedAtAPrefixStillFindsEveryEncodingAndMasksTheWholePattern() {
        CanaryScanner capped = new CanaryScanner(List.of(Canary.text("secret", SECRET)), 12);
        byte[] s = SECRET.getBytes(StandardCharsets.UTF_8);
        for (String haystack : List.of(SECRET, Base64.getEncoder().encodeToString(("us" + SECRET).getBytes(
                StandardCharsets.UTF_8)), HexFormat.of().formatHex(s))) {
            List<CanaryScanner.Hit> hits = capped.scan("t", "x", haystack.getBytes(StandardCharsets.UTF_8));
            assertThat(hits).as(haystack).isNotEmpty();
            assertThat(hits.get(0).context()).doesNotContain(SECRET.substring(4, SECRET.length() - 4));
        }
    }

    @Test
    void aStreamOfLinesIsSearchedAcrossBlockEdgesAndItsLinesCounted() throws Exception {
        StringBuilder log = new StringBuilder();
        while (log.length() < (1 << 20) - 10) {
            log.append("an ordinary log line without secrets\n");
        }
        log.setLength((1 << 20) - 10); // the secret straddles the 1 MiB read block
        log.append(SECRET).append("\nlast line");
        List<CanaryScanner.Hit> hits = scanner.scanLines("log", "file", new java.io.ByteArrayInputStream(
                log.toString().getBytes(StandardCharsets.UTF_8)));
        assertThat(hits).extracting(CanaryScanner.Hit::canary).containsExactly("secret");
        assertThat(scanner.tallies().get("log").items()).isEqualTo(log.chars().filter(c -> c == '\n').count() + 1);
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
