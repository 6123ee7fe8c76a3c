package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * One primary endpoint per tenant, named in two places that must agree: the endpoint's {@code isPrimary} and the
 * configuration's {@code primaryEndpointId}. Every change of primary goes through {@link #makePrimary}, which
 * sets both and clears every other endpoint's flag (so a state that disagreed, e.g. one seeded by hand, is
 * healed by the next change).
 */
final class PrimaryEndpoints {
    /** Who takes over from a primary that goes: the heaviest active endpoint, then the oldest, then by id. */
    static final Comparator<Endpoint> SUCCESSION = Comparator.comparingInt(Endpoint::weight).reversed()
            .thenComparing(Endpoint::createdAt, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .thenComparing(Endpoint::id);

    private PrimaryEndpoints() {
    }

    /** The configuration's primary if it exists, else an endpoint flagged primary, else null. */
    static String current(TenantState s) {
        TenantConfiguration c = s.config();
        if (c != null && c.primaryEndpointId() != null && s.endpoints().containsKey(c.primaryEndpointId())) {
            return c.primaryEndpointId();
        }
        return s.endpoints().values().stream().filter(Endpoint::isPrimary).map(Endpoint::id).findFirst()
                .orElse(null);
    }

    /** Makes {@code id} the primary (null: none), writing every endpoint and configuration that changes. */
    static void makePrimary(Tx tx, String id) {
        for (Endpoint e : tx.state().endpoints().values()) {
            boolean primary = e.id().equals(id);
            if (e.isPrimary() != primary) {
                tx.put(Drafts.primary(e, primary, tx.now));
            }
        }
        TenantConfiguration c = tx.state().config();
        if (c != null && !Objects.equals(c.primaryEndpointId(), id)) {
            tx.put(Drafts.primary(c, id, tx.now));
        }
    }

    /**
     * The primary {@code leaving} goes (deleted or un-flagged): the next active endpoint takes over, or none.
     *
     * @return the detail an outcome reports: who was promoted, or that nobody was
     */
    static String succeed(Tx tx, String leaving) {
        Optional<Endpoint> next = tx.state().endpoints().values().stream()
                .filter(e -> !e.id().equals(leaving) && e.isActive())
                .min(SUCCESSION);
        makePrimary(tx, next.map(Endpoint::id).orElse(null));
        return next.map(e -> e.id() + " promoted to primary").orElse("no endpoint left to promote");
    }

    /** The detail of a new primary. */
    static String replaced(String previous, String next) {
        return previous == null
                ? next + " is primary (the tenant had no primary endpoint)"
                : previous + " demoted; " + next + " is primary";
    }
}
