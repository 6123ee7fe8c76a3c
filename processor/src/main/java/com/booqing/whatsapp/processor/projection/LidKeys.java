package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.redis.RedisKeys;

/**
 * {@code <namespace>:lidmap:{tenantId}:{lid}} STRING -> the LID's phone (TTL = message TTL): what the projector
 * knows about a tenant's linked LIDs, so that a LID-only message read after the link still lands in the phone's
 * conversation. Belongs in {@link RedisKeys}; kept here until common has it.
 */
final class LidKeys {

    private LidKeys() {
    }

    static String lidRef(RedisKeys keys, String tenantId, String lid) {
        return keys.lidMap(tenantId, lid);
    }
}
