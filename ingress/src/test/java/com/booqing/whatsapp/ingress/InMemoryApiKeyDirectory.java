package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.ingress.apikey.ApiKeyDirectory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A key directory the test (or its fake processor) fills by hand. */
class InMemoryApiKeyDirectory implements ApiKeyDirectory {
    private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();
    private volatile boolean ready = true;

    InMemoryApiKeyDirectory put(ApiKey key) {
        keys.put(key.keyId(), key);
        return this;
    }

    void ready(boolean ready) {
        this.ready = ready;
    }

    @Override
    public Optional<ApiKey> find(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    @Override
    public List<ApiKey> forTenant(String tenantId) {
        return keys.values().stream().filter(k -> k.tenantId().equals(tenantId))
                .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::keyId)).toList();
    }

    @Override
    public boolean isReady() {
        return ready;
    }
}
