package com.booqing.whatsapp.common.crypto;

/**
 * How a secret looks wherever the API shows it (the processor's command outcomes and the endpoint in Redis, the
 * ingress's answers): {@value #LONG} characters or more show the first four and the last four around
 * {@value #HIDDEN} ({@code EAAG****9fQx}); {@value #MEDIUM} to {@value #LONG}-1 only the last four
 * ({@code ****9fQx}); shorter ones nothing ({@code ****}). Never more than a third of a secret, never more than
 * eight characters of it. Characters are counted as code points, so a mask never splits one.
 */
public final class SecretMask {
    public static final String HIDDEN = "****";
    public static final int LONG = 24;
    public static final int MEDIUM = 12;
    /** Characters (code points) shown at an end of a long enough secret. */
    public static final int SHOWN = 4;

    private SecretMask() {
    }

    public static String of(String plaintext) {
        if (plaintext == null) {
            return HIDDEN;
        }
        int count = plaintext.codePointCount(0, plaintext.length());
        if (count < MEDIUM) {
            return HIDDEN;
        }
        String tail = plaintext.substring(plaintext.offsetByCodePoints(0, count - SHOWN));
        if (count < LONG) {
            return HIDDEN + tail;
        }
        return plaintext.substring(0, plaintext.offsetByCodePoints(0, SHOWN)) + HIDDEN + tail;
    }
}
