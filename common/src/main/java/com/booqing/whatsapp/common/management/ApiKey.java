package com.booqing.whatsapp.common.management;

import java.time.Instant;
import java.util.Objects;

/**
 * A per-tenant API key as stored on the compacted API-keys topic (key: key id). Only the SHA-256 of the secret
 * is stored; the secret itself is shown once, when issued.
 *
 * @param prefix    the visible start of the key (e.g. "wak_live_3f9a"), to recognise it in lists
 * @param sha256Hex SHA-256 of the whole key, hex
 */
public record ApiKey(String keyId, String tenantId, String prefix, String sha256Hex, Instant createdAt,
                     Instant revokedAt) {

    public ApiKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(sha256Hex, "sha256Hex");
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
