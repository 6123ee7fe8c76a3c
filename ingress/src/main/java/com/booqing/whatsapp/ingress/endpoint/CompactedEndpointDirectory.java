package com.booqing.whatsapp.ingress.endpoint;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.kafka.CompactedTopicView;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The endpoint directory backed by an in-memory view of the compacted endpoints topic. */
public final class CompactedEndpointDirectory implements EndpointDirectory {
    private final CompactedTopicView<Endpoint> view;

    public CompactedEndpointDirectory(CompactedTopicView<Endpoint> view) {
        this.view = view;
    }

    @Override
    public Optional<Endpoint> find(String endpointId) {
        return endpointId == null ? Optional.empty() : view.get(endpointId);
    }

    /** A scan of the view: called once per stream opened, not per request. */
    @Override
    public List<Endpoint> forTenant(String tenantId) {
        return view.values().stream().filter(e -> e.tenantId().equals(tenantId)).toList();
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
