package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The state being changed by one command and the records that change writes: each record once, last version. */
final class Tx {
    final Instant now;
    private TenantState state;
    private final Map<String, Change> changes = new LinkedHashMap<>();

    Tx(TenantState state, Instant now) {
        this.state = state;
        this.now = now;
    }

    TenantState state() {
        return state;
    }

    List<Change> changes() {
        return List.copyOf(changes.values());
    }

    boolean changed() {
        return !changes.isEmpty();
    }

    void put(TenantConfiguration c) {
        state = state.withConfig(c);
        record(new Change.ConfigPut(c));
    }

    void put(Endpoint e) {
        state = state.withEndpoint(e);
        record(new Change.EndpointPut(e));
    }

    void removeEndpoint(String id) {
        state = state.withoutEndpoint(id);
        record(new Change.EndpointRemoved(id));
    }

    void put(Device d) {
        state = state.withDevice(d);
        record(new Change.DevicePut(d));
    }

    void removeDevice(String id) {
        state = state.withoutDevice(id);
        record(new Change.DeviceRemoved(id));
    }

    void put(ApiKey k) {
        state = state.withApiKey(k);
        record(new Change.ApiKeyPut(k));
    }

    private void record(Change c) {
        changes.put(c.identity(), c);
    }
}
