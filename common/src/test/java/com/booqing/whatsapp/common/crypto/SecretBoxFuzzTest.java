package com.booqing.whatsapp.common.crypto;

import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SecretBox#open} parses every sealed secret and device session that comes back from Kafka or Redis.
 * Whatever it is given, it either returns the plaintext that was sealed, for that very ciphertext under that key
 * id in that context, or throws {@link SecretBox.SealedSecretException}: no other exception, and never plaintext
 * for a token whose key id, ciphertext or context differ. Three kinds of input (docs/FUZZING.md):
 * a fresh sealed value with one tampering applied, an arbitrary token, and an arbitrary device-session record
 * as the sessions topic carries it.
 *
 * <p>The keys are fixed so that the genuine tokens below, sealed once with them, open in every run: the fuzzer
 * starts from real tokens without the test having to accept anything it cannot vouch for.
 */
class SecretBoxFuzzTest {
    private static final JsonSerde<DeviceSession> SESSIONS = JsonSerde.of(DeviceSession.class);
    private static final String SESSION_CONTEXT = DeviceSession.context("salon-a", "dev_01");

    /**
     * Sealed with {@link #box()}'s keys (the second with the older one); the regression inputs hold them as
     * session records ({@code session-*}), from which the fuzzer mutates.
     */
    private static final List<Genuine> GENUINE = List.of(
            new Genuine("v1.k2.UMJi_wwTOBfps0lGD4juyO-tC9A_NFTx_O_6Mf1Z3PcsbxD0I31jo2r6DV_-uIipBE5WiZZ2su9S",
                    SESSION_CONTEXT, "{\"creds\":{\"noiseKey\":\"AAAA\"}}"),
            new Genuine("v1.k1.lzA5pDO4ldOge2F68P20iCalKn1qbK7Htx72OfbK4mUqhiMUEtMGPVQWBSuVummA2GFiyOQs",
                    DeviceSession.context("salon-a", "dev_02"), "{\"creds\":{\"me\":\"old key\"}}"));

    private final SecretBox box = box();

    private static SecretBox box() {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        keys.put("k2", fixedKey(2)); // current
        keys.put("k1", fixedKey(1)); // older, still opens
        return new SecretBox(keys);
    }

    private static byte[] fixedKey(int seed) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed * 31 + i * 7);
        }
        return key;
    }

    @FuzzTest(maxDuration = "60s")
    void opensOnlyWhatWasSealedThereAndRefusesEverythingElseWithItsOwnException(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 2)) {
            case 0 -> tamperedSeal(data);
            case 1 -> arbitraryToken(data.consumeString(300), data.consumeRemainingAsString());
            default -> sessionRecord(data.consumeRemainingAsBytes());
        }
    }

    /** A value sealed just now, one change made to its token, opened in the same or another context. */
    private void tamperedSeal(FuzzedDataProvider data) {
        String context = data.consumeBoolean() ? SESSION_CONTEXT : data.consumeString(80);
        byte[] plaintext = data.consumeBytes(200);
        String token = box.seal(plaintext, context).token();
        String altered = tamper(token, data);
        String openedIn = data.consumeBoolean() ? context : data.consumeString(80);

        byte[] opened;
        try {
            opened = box.open(new Sealed(altered), openedIn);
        } catch (SecretBox.SealedSecretException refused) {
            return;
        }
        assertThat(openedIn).as("opened in another context than it was sealed in").isEqualTo(context);
        assertThat(sameCiphertext(token, altered)).as("opened a token whose key id or ciphertext was changed")
                .isTrue();
        assertThat(opened).isEqualTo(plaintext);
    }

    private static String tamper(String token, FuzzedDataProvider data) {
        int at = data.consumeInt(0, token.length());
        String keyId = data.consumeString(8);
        return switch (data.consumeInt(0, 5)) {
            case 0 -> token.substring(0, Math.min(at, token.length() - 1)) + data.consumeChar()
                    + token.substring(Math.min(at, token.length() - 1) + 1);
            case 1 -> token.substring(0, at) + data.consumeString(4) + token.substring(at);
            case 2 -> token.substring(0, at) + token.substring(Math.min(token.length(), at + 1));
            case 3 -> token.substring(0, at);
            case 4 -> "v1." + keyId + token.substring(token.indexOf('.', 3));
            default -> token + data.consumeString(8);
        };
    }

    private void arbitraryToken(String token, String context) {
        box.needsRotation(new Sealed(token)); // a pure check: must not throw either
        openOrRefuse(token, context);
    }

    /** A record of the device sessions topic: decoding never throws, and its sealed data opens or is refused. */
    private void sessionRecord(byte[] record) {
        Decoded<DeviceSession> decoded = SESSIONS.decode(record);
        if (decoded instanceof Decoded.Ok<DeviceSession> ok) {
            DeviceSession session = ok.value();
            openOrRefuse(session.data().token(), DeviceSession.context(session.tenantId(), session.deviceId()));
        }
    }

    private void openOrRefuse(String token, String context) {
        byte[] opened;
        try {
            opened = box.open(new Sealed(token), context);
        } catch (SecretBox.SealedSecretException refused) {
            return;
        }
        Genuine genuine = GENUINE.stream()
                .filter(g -> g.context.equals(context) && sameCiphertext(g.token, token))
                .findFirst()
                .orElseThrow(() -> new AssertionError("opened a token that was never sealed in that context"));
        assertThat(new String(opened, StandardCharsets.UTF_8)).isEqualTo(genuine.plaintext);
    }

    /**
     * Same version, key id and decoded bytes. Base64 lets a token be spelt in more than one way (the unused low
     * bits of its last character, '=' padding); such a token carries the very same ciphertext, so it may open.
     */
    private static boolean sameCiphertext(String sealed, String candidate) {
        String[] a = sealed.split("\\.", 3);
        String[] b = candidate.split("\\.", 3);
        if (b.length != 3 || !a[0].equals(b[0]) || !a[1].equals(b[1])) {
            return false;
        }
        try {
            return Arrays.equals(Base64.getUrlDecoder().decode(a[2]), Base64.getUrlDecoder().decode(b[2]));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private record Genuine(String token, String context, String plaintext) {
    }
}
