package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.event.Envelope;

/**
 * Where a {@link LiveFeed} hands what it reads. {@code live} is false for records that were on a compacted topic
 * before the feed started: they set the current state that a new stream starts from, but nobody is told of them
 * as news.
 */
public interface LiveSink {

    /** The health monitor's latest view of an endpoint (compacted health topic). */
    void health(EndpointHealth health, boolean live);

    /** A device as the processor folded it (compacted devices topic); {@code device} null when it was deleted. */
    void device(String deviceId, Device device, boolean live);

    /** A canonical event (events topic): device session changes with QR codes, failovers. */
    void event(Envelope envelope);

    /**
     * True when someone watches the tenant now: the feed may skip decoding events of other tenants (the events
     * topic also carries every message).
     */
    boolean watches(String tenantId);
}
