package com.booqing.whatsapp.sender.testing;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.sender.endpoint.EndpointDirectory;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A directory tests fill by hand. */
public final class InMemoryDirectory implements EndpointDirectory {
    private final Map<String, TenantConfiguration> configurations = new ConcurrentHashMap<>();
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, HealthState> health = new ConcurrentHashMap<>();
    private final Map<String, Device> devices = new ConcurrentHashMap<>();

    public InMemoryDirectory put(Endpoint e) {
        endpoints.put(e.id(), e);
        return this;
    }

    public InMemoryDirectory put(TenantConfiguration c) {
        configurations.put(c.tenantId(), c);
        return this;
    }

    public InMemoryDirectory put(Device d) {
        devices.put(d.id(), d);
        return this;
    }

    public InMemoryDirectory health(String endpointId, HealthState state) {
        health.put(endpointId, state);
        return this;
    }

    @Override
    public Optional<TenantConfiguration> configuration(String tenantId) {
        return Optional.ofNullable(configurations.get(tenantId));
    }

    @Override
    public Collection<Endpoint> endpointsOf(String tenantId) {
        return endpoints.values().stream().filter(e -> e.tenantId().equals(tenantId)).toList();
    }

    @Override
    public HealthState health(String endpointId) {
        return health.getOrDefault(endpointId, HealthState.UNKNOWN);
    }

    @Override
    public Optional<Device> device(String deviceId) {
        return Optional.ofNullable(devices.get(deviceId));
    }
}
