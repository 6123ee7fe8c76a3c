package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.ingress.webhook.EvolutionVerifier;
import com.booqing.whatsapp.ingress.webhook.Hmac;
import com.booqing.whatsapp.ingress.webhook.WebhookRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import static com.booqing.whatsapp.ingress.TestEndpoints.HS256_HEADER;
import static com.booqing.whatsapp.ingress.TestEndpoints.base64url;
import static com.booqing.whatsapp.ingress.TestEndpoints.evolutionClaims;
import static com.booqing.whatsapp.ingress.TestEndpoints.jwtHs256;
import static org.assertj.core.api.Assertions.assertThat;

class EvolutionVerifierTest {
    static final String SECRET = "evo-jwt-key-0123";
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final byte[] BODY = "{\"event\":\"messages.upsert\",\"instance\":\"instance\",\"data\":{}}"
            .getBytes(StandardCharsets.UTF_8);

    final SecretBox box = TestEndpoints.newSecretBox();
    final Endpoint endpoint = TestEndpoints.endpoint(box, "salon-a", "ep_evo", ProviderType.EVOLUTION, SECRET,
            null, true);
    final EvolutionVerifier verifier = new EvolutionVerifier(box, Clock.fixed(NOW, ZoneOffset.UTC));

    boolean accepts(String authorization) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        return verifier.isAuthentic(endpoint, new WebhookRequest("salon-a", "ep_evo", headers, BODY));
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    /* A token as Evolution 2.3.6 sends it, checked at several moments of its life (iat + 0 .. 600 s). */
    @Test
    void acceptsAValidToken() {
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER, evolutionClaims(NOW))))).isTrue();
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER, evolutionClaims(NOW.minusSeconds(599)))))).isTrue();
        assertThat(accepts("bearer " + jwtHs256(SECRET, HS256_HEADER, evolutionClaims(NOW)))).isTrue();
    }

    @Test
    void toleratesAMinuteOfClockSkewEitherWay() {
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER, evolutionClaims(NOW.plusSeconds(60)))))).isTrue();
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER, evolutionClaims(NOW.minusSeconds(659)))))).isTrue();
    }

    @Test
    void refusesAnExpiredToken() {
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER, evolutionClaims(NOW.minusSeconds(660)))))).isFalse();
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER, evolutionClaims(NOW.minusSeconds(86_400)))))).isFalse();
    }

    @Test
    void refusesATokenIssuedInTheFuture() {
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER, evolutionClaims(NOW.plusSeconds(61)))))).isFalse();
    }

    @Test
    void refusesATokenThatLivesLongerThanEvolutionsTenMinutes() {
        long now = NOW.getEpochSecond();
        String claims = "{\"iat\":" + now + ",\"exp\":" + (now + 601) + ",\"app\":\"evolution\",\"action\":\"webhook\"}";

        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER, claims)))).isFalse();
    }

    @Test
    void refusesClaimsThatAreMissingOrNotEvolutions() {
        long now = NOW.getEpochSecond();
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER,
                "{\"iat\":" + now + ",\"exp\":" + (now + 600) + ",\"app\":\"other\"}")))).isFalse();
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER,
                "{\"iat\":" + now + ",\"exp\":" + (now + 600) + "}")))).isFalse();
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER,
                "{\"iat\":" + now + ",\"app\":\"evolution\"}")))).isFalse();
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER,
                "{\"iat\":" + now + ",\"exp\":\"" + (now + 600) + "\",\"app\":\"evolution\"}")))).isFalse();
        assertThat(accepts(bearer(jwtHs256(SECRET, HS256_HEADER, "[1,2,3]")))).isFalse();
    }

    /* The classic forgery: "alg":"none" and no signature at all. */
    @Test
    void refusesAlgNone() {
        String unsigned = base64url("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64url(evolutionClaims(NOW).getBytes(StandardCharsets.UTF_8));

        assertThat(accepts(bearer(unsigned + "."))).isFalse();
        assertThat(accepts(bearer(unsigned))).isFalse();
        // "none" with an HS256 signature attached anyway: the header decides nothing.
        assertThat(accepts(bearer(jwtHs256(SECRET, "{\"alg\":\"none\"}", evolutionClaims(NOW))))).isFalse();
    }

    /* Correctly signed with the right secret, but with an algorithm we did not choose. */
    @Test
    void refusesHs512() {
        String header = base64url("{\"alg\":\"HS512\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String input = header + "." + base64url(evolutionClaims(NOW).getBytes(StandardCharsets.UTF_8));
        String token = input + "." + base64url(Hmac.sha512(SECRET.getBytes(StandardCharsets.UTF_8),
                input.getBytes(StandardCharsets.US_ASCII)));

        assertThat(accepts(bearer(token))).isFalse();
        assertThat(accepts(bearer(jwtHs256(SECRET, "{\"alg\":\"HS512\"}", evolutionClaims(NOW))))).isFalse();
        assertThat(accepts(bearer(jwtHs256(SECRET, "{\"alg\":\"hs256\"}", evolutionClaims(NOW))))).isFalse();
        assertThat(accepts(bearer(jwtHs256(SECRET, "{\"typ\":\"JWT\"}", evolutionClaims(NOW))))).isFalse();
    }

    @Test
    void refusesAHeaderWithCriticalExtensions() {
        assertThat(accepts(bearer(jwtHs256(SECRET, "{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}",
                evolutionClaims(NOW))))).isFalse();
    }

    @Test
    void refusesATamperedPayload() {
        String[] parts = jwtHs256(SECRET, HS256_HEADER, evolutionClaims(NOW)).split("\\.");
        String later = base64url(evolutionClaims(NOW.plusSeconds(3600)).getBytes(StandardCharsets.UTF_8));

        assertThat(accepts(bearer(parts[0] + "." + later + "." + parts[2]))).isFalse();
    }

    @Test
    void refusesATokenSignedWithAnotherSecret() {
        assertThat(accepts(bearer(jwtHs256("guess", HS256_HEADER, evolutionClaims(NOW))))).isFalse();
        assertThat(accepts(bearer(jwtHs256(SECRET + " ", HS256_HEADER, evolutionClaims(NOW))))).isFalse();
    }

    @Test
    void refusesAMissingOrNonBearerAuthorization() {
        String token = jwtHs256(SECRET, HS256_HEADER, evolutionClaims(NOW));

        assertThat(accepts(null)).isFalse();
        assertThat(accepts("")).isFalse();
        assertThat(accepts(token)).isFalse();
        assertThat(accepts("Basic " + token)).isFalse();
        assertThat(accepts("Bearer ")).isFalse();
        assertThat(accepts(SECRET)).isFalse();
        assertThat(accepts(bearer(SECRET))).isFalse();
    }

    @Test
    void refusesMalformedBase64AndWrongPartCounts() {
        String token = jwtHs256(SECRET, HS256_HEADER, evolutionClaims(NOW));
        String[] p = token.split("\\.");

        assertThat(accepts(bearer(p[0] + "." + p[1]))).isFalse();
        assertThat(accepts(bearer(token + "." + p[2]))).isFalse();
        assertThat(accepts(bearer(p[0] + "." + p[1] + "." + p[2] + "="))).isFalse();
        assertThat(accepts(bearer(p[0] + "." + p[1] + "." + p[2].replace('_', '/')
                .replace('-', '+') + "+/"))).isFalse();
        assertThat(accepts(bearer(p[0] + "." + p[1] + "." + p[2].substring(1)))).isFalse();
        assertThat(accepts(bearer(p[0] + "!." + p[1] + "." + p[2]))).isFalse();
        assertThat(accepts(bearer("a." + p[1] + "." + p[2]))).isFalse();
        assertThat(accepts(bearer(base64url("not json".getBytes(StandardCharsets.UTF_8)) + "." + p[1] + "." + p[2])))
                .isFalse();
        assertThat(accepts(bearer(".." ))).isFalse();
        assertThat(accepts(bearer(token + "x".repeat(5000)))).isFalse();
    }

    @Test
    void refusesEverythingForAnEndpointWithoutASecret() {
        Endpoint keyless = TestEndpoints.endpoint(box, "salon-a", "ep_evo", ProviderType.EVOLUTION, null, null, true);
        Map<String, String> headers = Map.of("Authorization", bearer(jwtHs256("any", HS256_HEADER, evolutionClaims(NOW))));

        assertThat(verifier.isAuthentic(keyless, new WebhookRequest("salon-a", "ep_evo", headers, BODY))).isFalse();
    }
}
