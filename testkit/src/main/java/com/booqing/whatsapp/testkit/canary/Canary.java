package com.booqing.whatsapp.testkit.canary;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One secret the run hands the gateway, and the byte patterns that would betray it.
 *
 * <p>What is searched is the secret's <em>core</em>: the value without its first and last four characters (bytes
 * for a binary key), because the gateway's masks show those eight by design ({@code EAAG****9fQx}); a core found
 * anywhere means the full secret or an unmasked part of it leaked. The core is searched plain and in the encodings
 * a leak usually takes: base64 and base64url at each of the three byte alignments (a secret inside a longer
 * encoded string, e.g. {@code Basic user:secret}, does not start on a 3-byte boundary), hex in both cases,
 * URL-encoded (form and RFC 3986, upper- and lower-case escapes) and JSON-escaped (Jackson's escaping, and with
 * {@code \/}).
 *
 * @param name what the secret is, e.g. "cloud access token"
 * @param core the searched bytes
 */
public record Canary(String name, byte[] core) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A text secret; the core is its UTF-8 bytes without the first and last four characters. */
    public static Canary text(String name, String value) {
        if (value.length() < 16) {
            throw new IllegalArgumentException("a canary needs at least 16 characters: " + name);
        }
        return new Canary(name, value.substring(4, value.length() - 4).getBytes(StandardCharsets.UTF_8));
    }

    /** A binary secret (an encryption key); the core is its bytes without the first and last four. */
    public static Canary binary(String name, byte[] value) {
        return new Canary(name, Arrays.copyOfRange(value, 4, value.length - 4));
    }

    /** Encoding name -> pattern; encodings that coincide with plain are left out. */
    public Map<String, byte[]> patterns() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("plain", core);
        for (int shift = 0; shift < 3; shift++) {
            add(out, "base64@" + shift, aligned(Base64.getEncoder().withoutPadding(), shift));
            add(out, "base64url@" + shift, aligned(Base64.getUrlEncoder().withoutPadding(), shift));
        }
        add(out, "hex", HexFormat.of().formatHex(core));
        add(out, "HEX", HexFormat.of().withUpperCase().formatHex(core));
        String text = new String(core, StandardCharsets.UTF_8);
        if (Arrays.equals(text.getBytes(StandardCharsets.UTF_8), core)) { // a text secret
            String form = URLEncoder.encode(text, StandardCharsets.UTF_8);
            add(out, "url-form", form);
            add(out, "url-rfc3986", form.replace("+", "%20"));
            add(out, "url-lower", lowerEscapes(form));
            String json = jsonEscaped(text);
            add(out, "json", json);
            add(out, "json-slash", json.replace("/", "\\/"));
            add(out, "json-unicode-quote", json.replace("\\\"", "\\u0022"));
        }
        return out;
    }

    /**
     * The characters of base64(filler + core) that depend on the core alone: a core preceded by {@code shift}
     * other bytes, whatever comes after it.
     */
    private String aligned(Base64.Encoder encoder, int shift) {
        byte[] withFiller = new byte[shift + core.length];
        System.arraycopy(core, 0, withFiller, shift, core.length);
        String encoded = encoder.encodeToString(withFiller);
        int start = shift == 0 ? 0 : shift == 1 ? 2 : 3;
        int end = 4 * ((shift + core.length) / 3);
        return encoded.substring(start, end);
    }

    private static void add(Map<String, byte[]> out, String name, String pattern) {
        byte[] bytes = pattern.getBytes(StandardCharsets.UTF_8);
        if (out.values().stream().noneMatch(b -> Arrays.equals(b, bytes))) {
            out.put(name, bytes);
        }
    }

    private static String lowerEscapes(String encoded) {
        StringBuilder b = new StringBuilder(encoded);
        for (int i = 0; i < b.length(); i++) {
            if (b.charAt(i) == '%' && i + 2 < b.length()) {
                b.setCharAt(i + 1, Character.toLowerCase(b.charAt(i + 1)));
                b.setCharAt(i + 2, Character.toLowerCase(b.charAt(i + 2)));
            }
        }
        return b.toString();
    }

    private static String jsonEscaped(String text) {
        try {
            String quoted = JSON.writeValueAsString(text);
            return quoted.substring(1, quoted.length() - 1);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "Canary[" + name + "]"; // never the value: test output is a log too
    }
}
