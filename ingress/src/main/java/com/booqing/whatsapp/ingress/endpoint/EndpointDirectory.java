package com.booqing.whatsapp.ingress.endpoint;

import com.booqing.whatsapp.common.endpoint.Endpoint;

import java.util.List;
import java.util.Optional;

/** Where the ingress looks endpoints up; production reads the compacted endpoints topic. */
public interface EndpointDirectory extends AutoCloseable {

    Optional<Endpoint> find(String endpointId);

    /** The tenant's endpoints (for the live stream's first state). */
    List<Endpoint> forTenant(String tenantId);

    /** False until the directory has read everything that existed when it started. */
    boolean isReady();

    default void start() {
    }

    @Override
    default void close() {
    }
}
