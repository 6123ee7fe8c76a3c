package com.booqing.whatsapp.common.event;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Objects;

/**
 * One canonical event on the events topic. {@code eventId} is derived from the provider's own identity of the
 * event (see {@link EventIds}), so the same webhook delivered or replayed twice yields the same id.
 *
 * @param source the raw webhook's request id, or the service that produced the event
 */
@JsonIgnoreProperties(value = "type", allowGetters = true)
public record Envelope(String eventId, String tenantId, Instant occurredAt, String source, EventPayload payload) {

    public Envelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(payload, "payload");
    }

    @JsonProperty("type")
    public String type() {
        return payload.type();
    }
}
