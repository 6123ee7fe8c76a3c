package com.booqing.whatsapp.ingress.live;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Short-lived tokens that open one tenant's live stream, for browsers: {@code EventSource} cannot send an
 * {@code Authorization} header, so the page trades its key for a token ({@code POST .../stream/{t}/token}) and puts
 * the token in the stream's URL ({@code ?access_token=}). A token opens nothing but that tenant's stream, for
 * {@link StreamConfig#tokenTtl()}; one issued for a tenant key stops working when the key is revoked.
 *
 * <p>Form: {@code wst_<payload>.<mac>}, payload = base64url of {@code tenantId \n keyId \n expiry \n nonce}, mac =
 * HMAC-SHA256 over the payload with a key derived from the admin key, so every ingress instance accepts the tokens
 * of the others and no new secret needs configuring. Rotating the admin key voids all tokens.
 */
public final class StreamTokens {
    public static final String PREFIX = "wst_";
    static final int MAX_LENGTH = 512;
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] PURPOSE = "booqing-whatsapp/stream-token/v1".getBytes(StandardCharsets.UTF_8);
    private static final Pattern SHAPE = Pattern.compile("wst_[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] key;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();

    public StreamTokens(String adminApiKey, Clock clock, Duration ttl) {
        this.key = mac(adminApiKey.getBytes(StandardCharsets.UTF_8), PURPOSE);
        this.clock = clock;
        this.ttl = ttl;
    }

    /**
     * What a valid token grants.
     *
     * @param keyId the tenant key it was issued for, or null when the admin key asked
     */
    public record Grant(String tenantId, String keyId, Instant expiresAt) {
    }

    public record Issued(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }

    public Issued issue(String tenantId, String keyId) {
        Instant expires = clock.instant().plus(ttl);
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        String payload = B64.encodeToString((tenantId + "\n" + (keyId == null ? "" : keyId) + "\n"
                + expires.getEpochSecond() + "\n" + B64.encodeToString(nonce)).getBytes(StandardCharsets.UTF_8));
        String mac = B64.encodeToString(mac(key, payload.getBytes(StandardCharsets.US_ASCII)));
        return new Issued(PREFIX + payload + "." + mac, expires);
    }

    /** The grant of a well-formed, authentic, unexpired token; empty otherwise (without saying why). */
    public Optional<Grant> verify(String token) {
        if (token == null || token.length() > MAX_LENGTH || !SHAPE.matcher(token).matches()) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        String payload = token.substring(PREFIX.length(), dot);
        byte[] given;
        try {
            given = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(given, mac(key, payload.getBytes(StandardCharsets.US_ASCII)))) {
            return Optional.empty();
        }
        String[] parts;
        try {
            parts = new String(B64D.decode(payload), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (parts.length != 4 || parts[0].isEmpty()) {
            return Optional.empty();
        }
        Instant expires;
        try {
            expires = Instant.ofEpochSecond(Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(expires)) {
            return Optional.empty();
        }
        return Optional.of(new Grant(parts[0], parts[1].isEmpty() ? null : parts[1], expires));
    }

    private static byte[] mac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always present", e);
        }
    }
}
