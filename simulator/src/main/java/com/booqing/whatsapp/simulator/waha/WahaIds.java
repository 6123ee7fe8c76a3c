package com.booqing.whatsapp.simulator.waha;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Ids shaped like WAHA's: event ids "evt_" + lower-case ULID (src/utils/ids.ts generatePrefixedId), request ids like
 * the uniqid package's, WhatsApp Web message ids ("3EB0…" for messages sent from WEBJS, 32 hex digits from phones) and
 * serialized message ids "{fromMe}_{chatId}_{id}".
 */
final class WahaIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final char[] BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

    private WahaIds() {
    }

    static String eventId(Instant at) {
        return "evt_" + ulid(at.toEpochMilli()).toLowerCase();
    }

    /** 26 Crockford base-32 characters: 48 bits of milliseconds, then 80 random bits (https://github.com/ulid/spec). */
    static String ulid(long millis) {
        char[] out = new char[26];
        long time = millis;
        for (int i = 9; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (time & 31)];
            time >>>= 5;
        }
        for (int i = 10; i < 26; i++) {
            out[i] = CROCKFORD[RANDOM.nextInt(32)];
        }
        return new String(out);
    }

    static String requestId() {
        char[] out = new char[18];
        for (int i = 0; i < out.length; i++) {
            out[i] = BASE36[RANDOM.nextInt(BASE36.length)];
        }
        return new String(out);
    }

    static String sentMessageId() {
        return "3EB0" + hex(9);
    }

    static String phoneMessageId() {
        return hex(16);
    }

    static String serialized(boolean fromMe, String chatId, String id) {
        return fromMe + "_" + chatId + "_" + id;
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().withUpperCase().formatHex(random);
    }
}
