package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.ingress.endpoint.EndpointDirectory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An endpoint directory the test fills by hand. */
class InMemoryEndpointDirectory implements EndpointDirectory {
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private volatile boolean ready = true;

    InMemoryEndpointDirectory put(Endpoint endpoint) {
        endpoints.put(endpoint.id(), endpoint);
        return this;
    }

    void ready(boolean ready) {
        this.ready = ready;
    }

    @Override
    public Optional<Endpoint> find(String endpointId) {
        return Optional.ofNullable(endpoints.get(endpointId));
    }

    @Override
    public List<Endpoint> forTenant(String tenantId) {
        return endpoints.values().stream().filter(e -> e.tenantId().equals(tenantId)).toList();
    }

    @Override
    public boolean isReady() {
        return ready;
    }
}
