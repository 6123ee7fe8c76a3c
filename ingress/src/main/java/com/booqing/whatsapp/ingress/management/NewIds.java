package com.booqing.whatsapp.ingress.management;

import java.security.SecureRandom;

/**
 * Ids and secrets the gateway makes: {@code <prefix>_<random base62>}, valid as
 * {@link com.booqing.whatsapp.common.tenant.Ids#isValidGeneratedId(String) generated ids}. 16 base62 characters
 * are 95 bits: unguessable, so an id says nothing about other tenants' ids.
 */
public final class NewIds {
    public static final int ID_LENGTH = 16;
    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private final SecureRandom random = new SecureRandom();

    public String endpointId() {
        return "ep_" + base62(ID_LENGTH);
    }

    public String deviceId() {
        return "dev_" + base62(ID_LENGTH);
    }

    public String commandId() {
        return "cmd_" + base62(ID_LENGTH);
    }

    public String base62(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = BASE62[random.nextInt(BASE62.length)];
        }
        return new String(out);
    }
}
