package com.booqing.whatsapp.sender.endpoint;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.kafka.ViewIndex;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * The directory over the compacted configuration, endpoint, device and health topics. A health record not renewed for
 * {@value #STALE_AFTER_INTERVALS} of its tenant's health-check intervals counts as UNKNOWN: a monitor that stopped
 * must not keep an endpoint marked unhealthy (or healthy) forever. A live monitor renews its verdicts with
 * heartbeats every few intervals (5 by default), well within that.
 */
public final class ViewDirectory implements EndpointDirectory {
    private final CompactedTopicView<TenantConfiguration> configurations;
    private final ViewIndex<Endpoint> endpointsByTenant;
    private final CompactedTopicView<EndpointHealth> health;
    private final CompactedTopicView<Device> devices;
    public static final int STALE_AFTER_INTERVALS = 15;

    private final Duration defaultInterval;
    private final Clock clock;

    /** @param endpointsByTenant the endpoints view's listener, grouping endpoints by tenant */
    public ViewDirectory(CompactedTopicView<TenantConfiguration> configurations, ViewIndex<Endpoint> endpointsByTenant,
                         CompactedTopicView<EndpointHealth> health, CompactedTopicView<Device> devices,
                         Duration defaultInterval, Clock clock) {
        this.configurations = configurations;
        this.endpointsByTenant = endpointsByTenant;
        this.health = health;
        this.devices = devices;
        this.defaultInterval = defaultInterval;
        this.clock = clock;
    }

    @Override
    public Optional<TenantConfiguration> configuration(String tenantId) {
        return configurations.get(tenantId);
    }

    @Override
    public Collection<Endpoint> endpointsOf(String tenantId) {
        return endpointsByTenant.group(tenantId);
    }

    @Override
    public Optional<Device> device(String deviceId) {
        return devices.get(deviceId);
    }

    @Override
    public HealthState health(String endpointId) {
        Optional<EndpointHealth> h = health.get(endpointId);
        if (h.isEmpty()) {
            return HealthState.UNKNOWN;
        }
        Duration interval = configuration(h.get().tenantId())
                .map(TenantConfiguration::healthCheckInterval)
                .filter(s -> s > 0)
                .map(s -> Duration.ofSeconds(s))
                .orElse(defaultInterval);
        return effective(h.get(), interval, clock.instant());
    }

    /** The record's state, or UNKNOWN when it was not renewed for {@value #STALE_AFTER_INTERVALS} intervals. */
    static HealthState effective(EndpointHealth h, Duration interval, Instant now) {
        Instant checkedAt = h.checkedAt();
        if (checkedAt == null || checkedAt.plus(interval.multipliedBy(STALE_AFTER_INTERVALS)).isBefore(now)) {
            return HealthState.UNKNOWN;
        }
        return h.state();
    }
}
