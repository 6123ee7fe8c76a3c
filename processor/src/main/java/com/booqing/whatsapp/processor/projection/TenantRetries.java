package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;

import java.util.Optional;
import java.util.function.Function;

/**
 * Each tenant's {@code webhookRetries}, read from the compacted configuration topic by a view of its own (the
 * projector's consumer group resumes where it committed, so it would not see every tenant's configuration again
 * after a restart). Redis is not asked: it is the thing that fails when the budget matters. A tenant the view has
 * not seen (yet), and a record without a tenant, get WHATSAPP_DEFAULT_RETRIES.
 */
public final class TenantRetries implements RetryBudget, AutoCloseable {
    /** The configuration API's upper bound (processor MANAGEMENT.md); also caps a hand-written topic record. */
    static final int MAX = 20;

    private final Function<String, Optional<TenantConfiguration>> configurations;
    private final int defaultRetries;
    private final AutoCloseable source;

    TenantRetries(Function<String, Optional<TenantConfiguration>> configurations, int defaultRetries,
                  AutoCloseable source) {
        this.configurations = configurations;
        this.defaultRetries = clamp(defaultRetries);
        this.source = source;
    }

    /** Starts a view of the configuration topic; it fills in the background (until then: the default). */
    public static TenantRetries start(String bootstrapServers, Topics topics, String clientId, int defaultRetries) {
        CompactedTopicView<TenantConfiguration> view = new CompactedTopicView<>(bootstrapServers,
                topics.tenantConfig(), clientId, (tenant, config) -> { }).start();
        return new TenantRetries(view::get, defaultRetries, view);
    }

    @Override
    public int retriesFor(String tenantId) {
        if (tenantId == null) {
            return defaultRetries;
        }
        return configurations.apply(tenantId).map(c -> clamp(c.webhookRetries())).orElse(defaultRetries);
    }

    private static int clamp(int retries) {
        return Math.max(0, Math.min(MAX, retries));
    }

    @Override
    public void close() {
        try {
            source.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the tenant configuration view", e);
        }
    }
}
