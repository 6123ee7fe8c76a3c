package com.booqing.whatsapp.simulator.cloudapi;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * WhatsApp message ids shaped like real ones: "wamid." + base64 of a small protobuf-like blob
 * (e.g. wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI...). Only the shape matters; nobody may parse them.
 */
final class Wamids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Wamids() {
    }

    static String next(String waId) {
        byte[] random = new byte[9];
        RANDOM.nextBytes(random);
        String blob = "\u001c\u0018\u000b" + waId + "\u0015\u0002\u0000\u0011\u0018\u0012"
                + HexFormat.of().withUpperCase().formatHex(random) + "\u0000";
        return "wamid." + Base64.getEncoder().encodeToString(blob.getBytes(StandardCharsets.ISO_8859_1));
    }
}
