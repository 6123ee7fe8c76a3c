package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which endpoint is in effect primary for each tenant, and when that changes. The configured primary (the
 * configuration's primaryEndpointId, else the endpoint flagged primary) is in effect while it is healthy or not
 * yet known; otherwise the first healthy active endpoint by weight (then id); otherwise none. With failover
 * disabled the configured primary stays in effect whatever its health.
 *
 * <p>The first evaluation of a tenant only takes note: a restarted monitor does not announce what already was.
 * Pure and single-threaded: the monitor calls it from its scheduler thread.
 */
public final class FailoverWatch {
    public static final String FAILOVER = "failover";
    public static final String FAILBACK = "failback";

    /**
     * A change of the endpoint in effect.
     *
     * @param action   "failover" (away from the configured primary, or between backups) or "failback"
     * @param inEffect the endpoint now in effect, or null for none
     * @param since    when the configured primary's health last changed (the reason's time)
     */
    public record Change(String tenantId, String action, String primary, String inEffect, String detail,
                         Instant since) {
    }

    private static final String NONE = "";
    private final Map<String, String> inEffect = new HashMap<>();

    public Optional<Change> evaluate(String tenantId, Collection<Endpoint> endpoints, TenantConfiguration config,
                                     Function<String, EndpointHealth> health, Instant now) {
        Endpoint primary = configuredPrimary(endpoints, config);
        boolean failover = config == null || config.failoverEnabled();
        Endpoint effective = primary != null && (!failover || usable(health.apply(primary.id()))) ? primary
                : failover ? endpoints.stream()
                .filter(Endpoint::isActive)
                .filter(e -> state(health.apply(e.id())) == HealthState.HEALTHY)
                .min(Comparator.comparingInt(Endpoint::weight).reversed().thenComparing(Endpoint::id))
                .orElse(null)
                : null;
        String now0 = effective == null ? NONE : effective.id();
        String before = inEffect.put(tenantId, now0);
        if (before == null || before.equals(now0)) {
            return Optional.empty();
        }
        String action = primary != null && Objects.equals(primary.id(), now0) ? FAILBACK : FAILOVER;
        EndpointHealth ph = primary == null ? null : health.apply(primary.id());
        Instant since = ph != null && ph.changedAt() != null ? ph.changedAt() : now;
        String why = primary == null ? "no primary configured"
                : "primary " + primary.id() + " " + state(ph).wireName() + " since " + since;
        String detail = why + "; " + (effective == null ? "no healthy endpoint in effect" : "in effect " + now0);
        return Optional.of(new Change(tenantId, action, primary == null ? null : primary.id(),
                effective == null ? null : now0, detail, since));
    }

    public void forget(String tenantId) {
        inEffect.remove(tenantId);
    }

    public void forgetAll() {
        inEffect.clear();
    }

    static Endpoint configuredPrimary(Collection<Endpoint> endpoints, TenantConfiguration config) {
        String id = config == null ? null : config.primaryEndpointId();
        if (id != null) {
            for (Endpoint e : endpoints) {
                if (e.id().equals(id) && e.isActive()) {
                    return e;
                }
            }
        }
        return endpoints.stream().filter(e -> e.isActive() && e.isPrimary())
                .min(Comparator.comparing(Endpoint::id)).orElse(null);
    }

    private static boolean usable(EndpointHealth h) {
        return state(h) != HealthState.UNHEALTHY;
    }

    private static HealthState state(EndpointHealth h) {
        return h == null ? HealthState.UNKNOWN : h.state();
    }
}
