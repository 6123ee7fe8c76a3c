package com.booqing.whatsapp.testkit.canary;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secrets of a test JVM's integration tests: every admin key, tenant-side provider credential, webhook HMAC
 * secret, session value and encryption key an IT hands the gateway comes from here, so that {@link CanaryAudit}
 * can search the JVM's logs, topics, Redis keys and HTTP answers for each of them at the end (issue 9, "Secrets").
 *
 * <p>Values are fresh and random ("cnr" + 40 hex digits, 160 bits), so a hit is a leak and never a coincidence.
 * A test that must assert a literal registers that literal with {@link #register(String, String)}.
 *
 * <p>The registry is JVM-wide static state on purpose: the audit's scope is the test JVM, and the secrets are
 * made by fixtures (constants, static helpers) that no JUnit context reaches. Registering is thread-safe and
 * idempotent per value.
 */
public final class Canaries {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    /** Keys {@link #derived}: fixed for the JVM, so a fixture gets the same secret for the same id. */
    private static final byte[] SALT = RANDOM.generateSeed(32);
    /** core (as text, ISO-8859-1 for binary keys) -> canary; registration order does not matter to the search */
    private static final Map<String, Canary> REGISTERED = new ConcurrentHashMap<>();

    private Canaries() {
    }

    /** A fresh random text secret named {@code name} (what it is, e.g. "cloud app secret"), registered. */
    public static String text(String name) {
        return register(name, "cnr" + randomHex(40));
    }

    /** A fresh random text secret that starts with {@code prefix} (for formats that need one), registered. */
    public static String text(String name, String prefix) {
        return register(name, prefix + randomHex(40));
    }

    /**
     * A secret that fixtures can rebuild from an id: the same for the same {@code name} and {@code seed} within
     * this JVM, random across runs ({@code prefix} + 40 hex digits of a keyed hash), registered.
     */
    public static String derived(String name, String prefix, String seed) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(SALT);
            byte[] h = sha.digest((name + '\n' + seed).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return register(name, prefix + HEX.formatHex(h, 0, 20));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers a secret a test must spell out (at least 16 characters); returns it. */
    public static String register(String name, String value) {
        Canary c = Canary.text(name, value);
        REGISTERED.putIfAbsent(new String(c.core(), java.nio.charset.StandardCharsets.ISO_8859_1), c);
        return value;
    }

    /** Registers a binary secret (an encryption key); returns it. */
    public static byte[] registerKey(String name, byte[] key) {
        Canary c = Canary.binary(name, key);
        REGISTERED.putIfAbsent(new String(c.core(), java.nio.charset.StandardCharsets.ISO_8859_1), c);
        return key;
    }

    /** A fresh random 256-bit key, registered. */
    public static byte[] key(String name) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return registerKey(name, key);
    }

    /**
     * WHATSAPP_ENCRYPTION_KEYS for fresh random keys, in SecretBox's format {@code id:base64key[,id:base64key]},
     * the first current: {@code encryptionKeys("k1")}, or {@code encryptionKeys("k2", "k1")} for a rotation.
     * Each key is registered raw (its base64 and hex spellings are searched too).
     */
    public static String encryptionKeys(String... ids) {
        if (ids.length == 0) {
            ids = new String[] {"k1"};
        }
        List<String> parts = new ArrayList<>();
        for (String id : ids) {
            parts.add(id + ":" + Base64.getEncoder().encodeToString(key("encryption key " + id)));
        }
        return String.join(",", parts);
    }

    /** Every canary registered so far in this JVM. */
    public static List<Canary> all() {
        return List.copyOf(REGISTERED.values());
    }

    /** Whether {@code value} is a registered text canary (its whole core). */
    public static boolean isRegistered(String value) {
        return value.length() >= 16 && REGISTERED.containsKey(value.substring(4, value.length() - 4));
    }

    /** Random hex digits, not registered: for a secret of a set length, then {@link #register}ed. */
    public static String randomHex(int digits) {
        byte[] b = new byte[digits / 2];
        RANDOM.nextBytes(b);
        return HEX.formatHex(b);
    }
}
