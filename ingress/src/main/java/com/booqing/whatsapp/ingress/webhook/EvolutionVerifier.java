package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Evolution API signs no webhook body. Its one proof of origin is the {@code jwt_key} webhook header: when the
 * instance webhook is set with {@code headers: {"jwt_key": "<secret>"}}, Evolution drops that header and sends
 * {@code Authorization: Bearer <JWT>} instead, an HS256 token signed with the secret whose claims are
 * {@code {iat, exp: iat + 600, app: "evolution", action: "webhook"}} (EvolutionAPI/evolution-api,
 * src/api/integrations/event/webhook/webhook.controller.ts, {@code emit()} and {@code generateJwtToken()}, release
 * 2.3.6 @ 3454bec79f514995df9a5ea36a3554ab35cf1c82). Our endpoint's webhook secret is that jwt_key.
 *
 * <p>Checked, each refusal simply "not authentic": a Bearer token of exactly three unpadded base64url parts;
 * a header whose {@code alg} is HS256 (so "none", HS512, RS256... are refused: the algorithm is ours to choose,
 * never the token's) and without {@code crit}; the HMAC-SHA256 of {@code header.payload}, compared in constant
 * time on the decoded bytes; then the claims: {@code exp} not past, {@code iat} not in the future, a lifetime no
 * longer than Evolution's ten minutes, and {@code app == "evolution"}, all with {@link #CLOCK_SKEW}.
 *
 * <p>The token is not bound to the body: it proves the sender knows the secret, and TLS protects the body in
 * transit. Evolution mints one token per event and reuses it across its retries, so a retry sent more than ten
 * minutes after the first attempt carries an expired token and is refused (Evolution does not retry a 401).
 */
public final class EvolutionVerifier implements WebhookVerifier {
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    /** Evolution's {@code exp - iat}. */
    public static final Duration MAX_LIFETIME = Duration.ofMinutes(10);
    public static final String APP = "evolution";
    private static final String AUTHORIZATION = "authorization";
    private static final String BEARER = "Bearer ";
    private static final int MAX_TOKEN_LENGTH = 4096;
    private static final int SIGNATURE_BYTES = 32;
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");

    private final WebhookSecret secrets;
    private final Clock clock;
    private final ObjectMapper json = Json.strict();

    public EvolutionVerifier(SecretBox secrets, Clock clock) {
        this.secrets = new WebhookSecret(secrets);
        this.clock = clock;
    }

    @Override
    public ProviderType provider() {
        return ProviderType.EVOLUTION;
    }

    @Override
    public List<String> signatureHeaders() {
        return List.of(AUTHORIZATION);
    }

    @Override
    public boolean isAuthentic(Endpoint endpoint, WebhookRequest request) {
        Optional<String[]> parts = bearerToken(request.header(AUTHORIZATION)).flatMap(EvolutionVerifier::split);
        if (parts.isEmpty()) {
            return false;
        }
        String[] jwt = parts.get();
        Optional<JsonNode> header = decodeObject(jwt[0]);
        if (header.isEmpty() || !"HS256".equals(text(header.get(), "alg")) || header.get().has("crit")) {
            return false;
        }
        byte[] claimed = base64url(jwt[2]);
        if (claimed.length != SIGNATURE_BYTES) {
            return false;
        }
        byte[] signingInput = (jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII);
        boolean signed = secrets.open(endpoint)
                .map(secret -> MessageDigest.isEqual(secret.sha256(signingInput), claimed))
                .orElse(false);
        return signed && decodeObject(jwt[1]).map(this::claimsHold).orElse(false);
    }

    /** Evolution's claims, read only once the signature holds. */
    private boolean claimsHold(JsonNode claims) {
        JsonNode iat = claims.get("iat");
        JsonNode exp = claims.get("exp");
        if (iat == null || exp == null || !iat.canConvertToExactIntegral() || !exp.canConvertToExactIntegral()
                || !iat.canConvertToLong() || !exp.canConvertToLong()) {
            return false;
        }
        long now = clock.instant().getEpochSecond();
        long skew = CLOCK_SKEW.toSeconds();
        long issuedAt = iat.longValue();
        long expiresAt = exp.longValue();
        // exp - iat would overflow for extreme values (iat near Long.MIN_VALUE): compare without subtracting
        // them; exp is known to be recent here, so exp - MAX_LIFETIME cannot overflow.
        return expiresAt > now - skew
                && issuedAt <= now + skew
                && issuedAt >= expiresAt - MAX_LIFETIME.toSeconds()
                && APP.equals(text(claims, "app"));
    }

    private static Optional<String> bearerToken(String authorization) {
        if (authorization == null || authorization.length() > BEARER.length() + MAX_TOKEN_LENGTH
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(BEARER.length()).trim());
    }

    /** Exactly three non-empty unpadded base64url parts; "none" tokens have an empty third part and stop here. */
    private static Optional<String[]> split(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        for (String part : parts) {
            if (!BASE64URL.matcher(part).matches()) {
                return Optional.empty();
            }
        }
        return Optional.of(parts);
    }

    private Optional<JsonNode> decodeObject(String part) {
        byte[] bytes = base64url(part);
        if (bytes.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode node = json.readTree(bytes);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The decoded bytes, or none when the text is not base64url (e.g. a length of 4n + 1). */
    private static byte[] base64url(String part) {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
