package com.booqing.whatsapp.common.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic ids. An id is a hash of the tenant and the provider's identity of the thing, so ids of two
 * tenants never collide even when providers reuse ids, and a replay produces the same id again.
 */
public final class EventIds {
    private EventIds() {
    }

    public static String eventId(String tenantId, String... providerIdentity) {
        return "evt_" + hash(tenantId, providerIdentity);
    }

    /** The gateway's id of a message that arrived from a provider. */
    public static String inboundMessageId(String tenantId, String providerMessageId) {
        return "msg_" + hash(tenantId, "in", providerMessageId);
    }

    /** The gateway's id of a message a tenant asked to send, from its idempotency key. */
    public static String outboundMessageId(String tenantId, String idempotencyKey) {
        return "msg_" + hash(tenantId, "out", idempotencyKey);
    }

    private static String hash(String tenantId, String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(tenantId.getBytes(StandardCharsets.UTF_8));
            for (String p : parts) {
                sha.update((byte) 0);
                sha.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
