package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Everything the single writer knows about one tenant, kept in the {@value ManagementTopology#STORE} store under
 * the tenant id: its configuration (null until the tenant is initialised), endpoints, devices and API keys as
 * last written to the compacted topics, when each device last heard from its provider, and the ids of the
 * tenant's recent commands (so a command delivered twice is applied once). Immutable: every change returns a new
 * state; maps keep creation order.
 */
public record TenantState(
        String tenantId,
        TenantConfiguration config,
        Map<String, Endpoint> endpoints,
        Map<String, Device> devices,
        Map<String, ApiKey> apiKeys,
        Map<String, Instant> deviceEventAt,
        List<String> recentCommands) {

    public TenantState {
        Objects.requireNonNull(tenantId, "tenantId");
        endpoints = frozen(endpoints);
        devices = frozen(devices);
        apiKeys = frozen(apiKeys);
        deviceEventAt = frozen(deviceEventAt);
        recentCommands = recentCommands == null ? List.of() : List.copyOf(recentCommands);
    }

    public static TenantState empty(String tenantId) {
        return new TenantState(tenantId, null, Map.of(), Map.of(), Map.of(), Map.of(), List.of());
    }

    public boolean initialised() {
        return config != null;
    }

    /** True when nothing at all is known: such a state is not worth storing. */
    public boolean knowsNothing() {
        return config == null && endpoints.isEmpty() && devices.isEmpty() && apiKeys.isEmpty();
    }

    public boolean remembers(String commandId) {
        return recentCommands.contains(commandId);
    }

    public TenantState withConfig(TenantConfiguration c) {
        return new TenantState(tenantId, c, endpoints, devices, apiKeys, deviceEventAt, recentCommands);
    }

    public TenantState withEndpoint(Endpoint e) {
        return new TenantState(tenantId, config, put(endpoints, e.id(), e), devices, apiKeys, deviceEventAt,
                recentCommands);
    }

    public TenantState withoutEndpoint(String id) {
        return new TenantState(tenantId, config, remove(endpoints, id), devices, apiKeys, deviceEventAt,
                recentCommands);
    }

    public TenantState withDevice(Device d) {
        return new TenantState(tenantId, config, endpoints, put(devices, d.id(), d), apiKeys, deviceEventAt,
                recentCommands);
    }

    public TenantState withoutDevice(String id) {
        return new TenantState(tenantId, config, endpoints, remove(devices, id), apiKeys, remove(deviceEventAt, id),
                recentCommands);
    }

    public TenantState withDeviceEventAt(String deviceId, Instant at) {
        return new TenantState(tenantId, config, endpoints, devices, apiKeys, put(deviceEventAt, deviceId, at),
                recentCommands);
    }

    public TenantState withApiKey(ApiKey k) {
        return new TenantState(tenantId, config, endpoints, devices, put(apiKeys, k.keyId(), k), deviceEventAt,
                recentCommands);
    }

    /** Remembers a command id, forgetting the oldest beyond {@code limit}. */
    public TenantState remembering(String commandId, int limit) {
        List<String> ids = new ArrayList<>(recentCommands);
        ids.add(commandId);
        while (ids.size() > limit) {
            ids.remove(0);
        }
        return new TenantState(tenantId, config, endpoints, devices, apiKeys, deviceEventAt, ids);
    }

    public List<Device> devicesOf(String endpointId) {
        return devices.values().stream().filter(d -> d.endpointId().equals(endpointId)).toList();
    }

    public List<Endpoint> endpointsWhere(Predicate<Endpoint> p) {
        return endpoints.values().stream().filter(p).toList();
    }

    private static <V> Map<String, V> frozen(Map<String, V> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    private static <V> Map<String, V> put(Map<String, V> m, String k, V v) {
        Map<String, V> copy = new LinkedHashMap<>(m);
        copy.put(k, v);
        return copy;
    }

    private static <V> Map<String, V> remove(Map<String, V> m, String k) {
        Map<String, V> copy = new LinkedHashMap<>(m);
        copy.remove(k);
        return copy;
    }
}
