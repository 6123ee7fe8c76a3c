package com.booqing.whatsapp.sender.endpoint;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chooses the endpoint for a send command. Pure: it sees the tenant's configuration, its endpoints and their
 * health, and decides; it calls nothing.
 *
 * <ul>
 *   <li>A command naming an endpoint goes there if the endpoint is the tenant's and active. The caller pinned it,
 *       so its health does not redirect the message.</li>
 *   <li>Otherwise the primary (the configuration's {@code primaryEndpointId}, else an endpoint marked
 *       {@code isPrimary}) is used while it is active and not {@link HealthState#UNHEALTHY}. UNKNOWN counts as
 *       usable: a new endpoint, or one the monitor has not probed yet, still sends.</li>
 *   <li>When the primary is unusable and failover is enabled, the next active endpoint that is not unhealthy
 *       takes over, HEALTHY ones before UNKNOWN ones. With failover disabled the command fails.</li>
 *   <li>A tenant without a primary sends through its first usable endpoint.</li>
 * </ul>
 * Load balancing across equal endpoints by weight will replace the fixed order among the alternatives.
 */
public final class EndpointSelector {
    public static final String ENDPOINT_NOT_FOUND = "endpoint_not_found";
    public static final String ENDPOINT_INACTIVE = "endpoint_inactive";
    public static final String NO_ENDPOINT = "no_endpoint";
    public static final String NO_HEALTHY_ENDPOINT = "no_healthy_endpoint";

    /** Primary first, then by creation and id, so that the choice does not depend on map order. */
    private static final Comparator<Endpoint> ORDER = Comparator
            .comparing(Endpoint::isPrimary).reversed()
            .thenComparing(e -> e.createdAt() == null ? Instant.MAX : e.createdAt())
            .thenComparing(Endpoint::id);

    /**
     * @param configuration the tenant's configuration; absent = the defaults (failover enabled, no primary id)
     * @param endpoints     endpoints of any tenant; only the command's tenant's are considered
     * @param health        health per endpoint id; UNKNOWN when the monitor has said nothing
     */
    public Selection select(SendCommand command, Optional<TenantConfiguration> configuration,
                            Collection<Endpoint> endpoints, Function<String, HealthState> health) {
        List<Endpoint> own = endpoints.stream()
                .filter(e -> e.tenantId().equals(command.tenantId()))
                .sorted(ORDER)
                .toList();
        if (command.endpointId() != null) {
            return pinned(command, own);
        }
        if (own.isEmpty()) {
            return new Selection.NoEndpoint(NO_ENDPOINT, "tenant has no endpoints");
        }
        boolean failover = configuration.map(TenantConfiguration::failoverEnabled).orElse(true);
        Optional<Endpoint> primary = primary(configuration, own);
        List<Endpoint> usable = own.stream()
                .filter(Endpoint::isActive)
                .filter(e -> health.apply(e.id()) != HealthState.UNHEALTHY)
                .sorted(Comparator.comparing((Endpoint e) -> health.apply(e.id()) == HealthState.HEALTHY).reversed())
                .toList();

        if (primary.isPresent()) {
            Endpoint p = primary.get();
            boolean primaryUsable = p.isActive() && health.apply(p.id()) != HealthState.UNHEALTHY;
            List<Endpoint> others = usable.stream().filter(e -> !e.id().equals(p.id())).toList();
            if (primaryUsable) {
                return new Selection.Chosen(p, failover ? others : List.of());
            }
            if (!failover) {
                return new Selection.NoEndpoint(NO_HEALTHY_ENDPOINT, "primary endpoint " + p.id() + " is "
                        + (p.isActive() ? "unhealthy" : "inactive") + " and failover is disabled");
            }
            return first(others, "primary endpoint " + p.id() + " is unusable and no other endpoint is healthy");
        }
        return first(usable, "no active endpoint is healthy");
    }

    private static Selection first(List<Endpoint> candidates, String reasonWhenNone) {
        if (candidates.isEmpty()) {
            return new Selection.NoEndpoint(NO_HEALTHY_ENDPOINT, reasonWhenNone);
        }
        return new Selection.Chosen(candidates.get(0), candidates.subList(1, candidates.size()));
    }

    private static Selection pinned(SendCommand command, List<Endpoint> own) {
        Optional<Endpoint> e = own.stream().filter(x -> x.id().equals(command.endpointId())).findFirst();
        if (e.isEmpty()) {
            return new Selection.NoEndpoint(ENDPOINT_NOT_FOUND, "endpoint " + command.endpointId()
                    + " is not one of the tenant's endpoints");
        }
        if (!e.get().isActive()) {
            return new Selection.NoEndpoint(ENDPOINT_INACTIVE, "endpoint " + command.endpointId() + " is inactive");
        }
        return new Selection.Chosen(e.get(), List.of());
    }

    private static Optional<Endpoint> primary(Optional<TenantConfiguration> configuration, List<Endpoint> own) {
        Optional<String> configured = configuration.map(TenantConfiguration::primaryEndpointId);
        if (configured.isPresent()) {
            Optional<Endpoint> byId = own.stream().filter(e -> e.id().equals(configured.get())).findFirst();
            if (byId.isPresent()) {
                return byId;
            }
        }
        return own.stream().filter(Endpoint::isPrimary).findFirst();
    }
}
