package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EvolutionVerifier} with a jwt_key the test knows. Inputs are either an arbitrary Authorization header,
 * or a token built like Evolution's (header, claims around the fixed clock, HS256 with the right or a wrong key)
 * that may then be changed once. For any of them the verifier answers and never throws, and:
 * <ul>
 *   <li>a yes implies the oracle's yes: a Bearer token of three base64url parts whose header says HS256, whose
 *       signature decodes to the HMAC-SHA256 of exactly {@code header.payload} under the key, and whose claims
 *       are Evolution's and current (read here with a plain Jackson mapper and the JDK's Mac);</li>
 *   <li>an unchanged token of Evolution's shape, signed with the key and with current claims, is accepted.</li>
 * </ul>
 * Only the first direction is asked of arbitrary tokens: the verifier may refuse more than the oracle (duplicate
 * JSON keys, {@code crit}), never less. docs/FUZZING.md.
 */
class EvolutionVerifierFuzzTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_-]+");
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final byte[] BODY = "{\"event\":\"messages.upsert\"}".getBytes(StandardCharsets.UTF_8);
    private static final String EVOLUTION_HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

    private final SecretBox box = SignedWebhooks.box();
    private final Endpoint endpoint = SignedWebhooks.endpoint(box, ProviderType.EVOLUTION);
    private final EvolutionVerifier verifier = new EvolutionVerifier(box, Clock.fixed(NOW, ZoneOffset.UTC));

    @FuzzTest(maxDuration = "60s")
    void acceptsOnlyTokensSignedWithTheKeyOverTheExactHeaderAndClaims(FuzzedDataProvider data) {
        String authorization;
        boolean mustAccept = false;
        if (data.consumeBoolean()) {
            String header = switch (data.consumeInt(0, 3)) {
                case 0 -> EVOLUTION_HEADER;
                case 1 -> data.pickValue(List.of("{\"alg\":\"none\"}", "{\"alg\":\"HS512\"}", "{\"alg\":\"hs256\"}",
                        "{\"alg\":\"HS256\",\"crit\":[\"b64\"]}", "{\"alg\":[\"HS256\"]}", "[]", "{}"));
                case 2 -> "{\"alg\":\"" + data.consumeString(10) + "\"}";
                default -> data.consumeString(60);
            };
            long iat = data.consumeBoolean()
                    ? NOW.getEpochSecond() + data.consumeLong(-1000, 1000) : data.consumeLong();
            long exp = data.consumeBoolean() ? iat + data.consumeLong(-100, 1000) : data.consumeLong();
            String app = data.consumeBoolean() ? "evolution" : data.consumeString(12);
            String claims = data.consumeBoolean()
                    ? "{\"iat\":" + iat + ",\"exp\":" + exp + ",\"app\":\"" + app + "\",\"action\":\"webhook\"}"
                    : data.consumeString(120);
            boolean rightKey = data.consumeBoolean();
            String token = sign(header, claims, rightKey);
            String scheme = data.pickValue(List.of("Bearer ", "bearer ", "BEARER ", "Bearer  ", "Basic ", ""));
            authorization = scheme + token;
            String changed = SignedWebhooks.mutate(authorization, data);
            mustAccept = changed.equals(authorization) && header.equals(EVOLUTION_HEADER) && rightKey
                    && app.equals("evolution") && claims.startsWith("{\"iat\":") && scheme.equalsIgnoreCase("bearer ")
                    && current(BigInteger.valueOf(iat), BigInteger.valueOf(exp));
            authorization = changed;
        } else {
            authorization = data.consumeBoolean() ? null : data.consumeRemainingAsString();
        }
        Map<String, String> headers = new HashMap<>();
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }

        boolean accepted = verifier.isAuthentic(endpoint,
                SignedWebhooks.request(endpoint, headers, BODY));

        if (accepted) {
            assertThat(oracle(authorization)).as("accepted a token the oracle refuses: %s", authorization).isTrue();
        }
        if (mustAccept) {
            assertThat(accepted).as("refused a current token signed with the key: %s", authorization).isTrue();
        }
    }

    /** A NumericDate that is a whole number of seconds (RFC 7519 allows 1.7E9 as well as 1700000000). */
    private static boolean whole(JsonNode n) {
        return n.isNumber() && n.decimalValue().stripTrailingZeros().scale() <= 0;
    }

    /** Evolution's claims at {@link #NOW}, in exact arithmetic: not expired, not issued later, ten minutes at most. */
    private static boolean current(BigInteger iat, BigInteger exp) {
        BigInteger now = BigInteger.valueOf(NOW.getEpochSecond());
        BigInteger skew = BigInteger.valueOf(60);
        return exp.compareTo(now.subtract(skew)) > 0 && iat.compareTo(now.add(skew)) <= 0
                && exp.subtract(iat).compareTo(BigInteger.valueOf(600)) <= 0;
    }

    private static String sign(String header, String claims, boolean rightKey) {
        String input = b64(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims.getBytes(StandardCharsets.UTF_8));
        byte[] mac = SignedWebhooks.hmac("HmacSHA256", input.getBytes(StandardCharsets.US_ASCII));
        if (!rightKey) {
            mac[0] ^= 1;
        }
        return input + "." + b64(mac);
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean oracle(String authorization) {
        if (authorization == null || authorization.length() < 7
                || !authorization.substring(0, 7).equalsIgnoreCase("bearer ")) {
            return false;
        }
        String[] parts = authorization.substring(7).trim().split("\\.", -1);
        if (parts.length != 3 || !PART.matcher(parts[0]).matches() || !PART.matcher(parts[1]).matches()
                || !PART.matcher(parts[2]).matches()) {
            return false;
        }
        try {
            JsonNode header = PLAIN.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode claims = PLAIN.readTree(Base64.getUrlDecoder().decode(parts[1]));
            byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
            byte[] expected = SignedWebhooks.hmac("HmacSHA256",
                    (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!header.path("alg").asText("").equals("HS256") || !MessageDigest.isEqual(signature, expected)) {
                return false;
            }
            return whole(claims.path("iat")) && whole(claims.path("exp"))
                    && current(claims.path("iat").bigIntegerValue(), claims.path("exp").bigIntegerValue())
                    && claims.path("app").isTextual() && claims.path("app").asText().equals("evolution");
        } catch (Exception unreadable) {
            return false;
        }
    }
}
