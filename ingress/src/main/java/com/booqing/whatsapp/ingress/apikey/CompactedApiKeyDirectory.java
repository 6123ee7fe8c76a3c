package com.booqing.whatsapp.ingress.apikey;

import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.management.ApiKey;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Tenant keys from an in-memory view of the compacted API-keys topic (hashes only). */
public final class CompactedApiKeyDirectory implements ApiKeyDirectory {
    private final CompactedTopicView<ApiKey> view;

    public CompactedApiKeyDirectory(CompactedTopicView<ApiKey> view) {
        this.view = view;
    }

    @Override
    public Optional<ApiKey> find(String keyId) {
        return keyId == null ? Optional.empty() : view.get(keyId);
    }

    @Override
    public List<ApiKey> forTenant(String tenantId) {
        return view.values().stream()
                .filter(k -> k.tenantId().equals(tenantId))
                .sorted(Comparator.comparing((ApiKey k) -> k.createdAt() == null ? Instant.EPOCH : k.createdAt())
                        .thenComparing(ApiKey::keyId))
                .toList();
    }

    @Override
    public boolean isReady() {
        try {
            return view.awaitCaughtUp(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void start() {
        view.start();
    }

    @Override
    public void close() {
        view.close();
    }
}
