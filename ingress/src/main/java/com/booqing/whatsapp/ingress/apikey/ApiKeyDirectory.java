package com.booqing.whatsapp.ingress.apikey;

import com.booqing.whatsapp.common.management.ApiKey;

import java.util.List;
import java.util.Optional;

/** Where the ingress looks tenant keys up; production reads the compacted API-keys topic into memory. */
public interface ApiKeyDirectory extends AutoCloseable {

    Optional<ApiKey> find(String keyId);

    /** The tenant's keys, revoked ones included, oldest first. */
    List<ApiKey> forTenant(String tenantId);

    /** False until the directory has read everything that existed when it started. */
    boolean isReady();

    default void start() {
    }

    @Override
    default void close() {
    }
}
