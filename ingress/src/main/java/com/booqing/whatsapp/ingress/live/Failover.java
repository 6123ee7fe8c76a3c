package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.tenant.ConfigurationChanged;

import java.time.Instant;
import java.util.Optional;

/**
 * A change of the endpoint in effect for a tenant, as the health monitor announces it on the events topic
 * ({@code ConfigurationChanged} with subject {@code failover}).
 *
 * @param action "failover" or "failback"
 * @param detail the monitor's sentence: which primary, since when, which endpoint is now in effect
 */
record Failover(String eventId, String action, String detail, Instant occurredAt) {
    static final String SUBJECT = "failover";

    static Optional<Failover> of(Envelope e) {
        if (e.payload() instanceof ConfigurationChanged c && SUBJECT.equals(c.subject())
                && (c.subjectId() == null || c.subjectId().equals(e.tenantId()))) {
            return Optional.of(new Failover(e.eventId(), c.action(), c.detail(), e.occurredAt()));
        }
        return Optional.empty();
    }
}
