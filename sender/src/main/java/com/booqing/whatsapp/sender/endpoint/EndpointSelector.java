package com.booqing.whatsapp.sender.endpoint;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Chooses the endpoint for a send command from the tenant's configuration, its endpoints, their health (the
 * monitor's verdict) and their circuit breakers (the sender's own, faster verdict). It calls nothing; its only
 * state is the round-robin position.
 *
 * <p>The rule, in rank order:
 * <ul>
 *   <li><b>Pinned.</b> A command naming an endpoint, or a device (whose endpoint it must then use: a device's
 *       messages only go through its own endpoint), goes there if it is the tenant's and active, whatever its
 *       health. It never fails over: the caller asked for that number.</li>
 *   <li><b>Rank 0, the primary</b> (the configuration's {@code primaryEndpointId}, else the endpoint marked
 *       {@code isPrimary}) while it is usable: active, not UNHEALTHY, circuit not open. UNKNOWN counts as usable:
 *       a new endpoint, or one the monitor has not probed yet, still sends.</li>
 *   <li><b>Rank 1, every other endpoint</b>, when there is no primary, or the primary is unusable and failover
 *       is enabled. Within rank 1, HEALTHY endpoints come before UNKNOWN ones, and among the first non-empty of
 *       those tiers the load is spread by {@link Endpoint#weight()} with smooth weighted round-robin.</li>
 *   <li>The chosen endpoint's <b>fallbacks</b> (used only when a send certainly did not leave) are the other
 *       usable endpoints, HEALTHY before UNKNOWN, heavier first; endpoints whose circuit is open come last, so a
 *       breaker that has waited long enough can still be probed. With failover disabled there are none.</li>
 * </ul>
 */
public final class EndpointSelector {
    public static final String ENDPOINT_NOT_FOUND = "endpoint_not_found";
    public static final String ENDPOINT_INACTIVE = "endpoint_inactive";
    public static final String NO_ENDPOINT = "no_endpoint";
    public static final String NO_HEALTHY_ENDPOINT = "no_healthy_endpoint";
    public static final String DEVICE_NOT_FOUND = "device_not_found";
    public static final String DEVICE_ENDPOINT_MISMATCH = "device_endpoint_mismatch";
    /** The lane of commands whose tenant has no primary or pinned endpoint: one per tenant. */
    public static final String TENANT_LANE_PREFIX = "tenant:";

    /** Primary first, then by creation and id, so that the choice does not depend on map order. */
    private static final Comparator<Endpoint> ORDER = Comparator
            .comparing(Endpoint::isPrimary).reversed()
            .thenComparing(e -> e.createdAt() == null ? Instant.MAX : e.createdAt())
            .thenComparing(Endpoint::id);

    private final SmoothWeightedRoundRobin roundRobin;

    public EndpointSelector() {
        this(new SmoothWeightedRoundRobin());
    }

    public EndpointSelector(SmoothWeightedRoundRobin roundRobin) {
        this.roundRobin = roundRobin;
    }

    /** Without devices and circuit breakers: what the monitor's health alone decides. */
    public Selection select(SendCommand command, Optional<TenantConfiguration> configuration,
                            Collection<Endpoint> endpoints, Function<String, HealthState> health) {
        return select(command, configuration, endpoints, health, id -> Optional.empty(), id -> false);
    }

    /**
     * @param configuration the tenant's configuration; absent = the defaults (failover enabled, no primary id)
     * @param endpoints     endpoints of any tenant; only the command's tenant's are considered
     * @param health        health per endpoint id; UNKNOWN when the monitor has said nothing
     * @param devices       devices by id, of any tenant
     * @param circuitOpen   true while an endpoint's breaker refuses calls
     */
    public Selection select(SendCommand command, Optional<TenantConfiguration> configuration,
                            Collection<Endpoint> endpoints, Function<String, HealthState> health,
                            Function<String, Optional<Device>> devices, Predicate<String> circuitOpen) {
        List<Endpoint> own = own(command, endpoints);
        if (command.deviceId() != null) {
            Optional<Device> device = devices.apply(command.deviceId())
                    .filter(d -> d.tenantId().equals(command.tenantId()));
            if (device.isEmpty()) {
                return new Selection.NoEndpoint(DEVICE_NOT_FOUND, "device " + command.deviceId()
                        + " is not one of the tenant's devices");
            }
            if (command.endpointId() != null && !command.endpointId().equals(device.get().endpointId())) {
                return new Selection.NoEndpoint(DEVICE_ENDPOINT_MISMATCH, "device " + command.deviceId()
                        + " belongs to endpoint " + device.get().endpointId() + ", not " + command.endpointId());
            }
            return pinned(device.get().endpointId(), own);
        }
        if (command.endpointId() != null) {
            return pinned(command.endpointId(), own);
        }
        if (own.isEmpty()) {
            return new Selection.NoEndpoint(NO_ENDPOINT, "tenant has no endpoints");
        }
        boolean failover = configuration.map(TenantConfiguration::failoverEnabled).orElse(true);
        Optional<Endpoint> primary = primary(configuration, own);
        Predicate<Endpoint> available = e -> e.isActive() && health.apply(e.id()) != HealthState.UNHEALTHY;
        Predicate<Endpoint> usable = e -> available.test(e) && !circuitOpen.test(e.id());
        Predicate<Endpoint> healthy = e -> health.apply(e.id()) == HealthState.HEALTHY;
        Comparator<Endpoint> preference = Comparator
                .comparing((Endpoint e) -> !healthy.test(e))
                .thenComparing(Comparator.comparingInt(Endpoint::weight).reversed())
                .thenComparing(ORDER);

        if (primary.isPresent()) {
            Endpoint p = primary.get();
            List<Endpoint> others = own.stream().filter(e -> !e.id().equals(p.id())).toList();
            if (usable.test(p)) {
                return new Selection.Chosen(p, failover ? fallbacks(others, usable, available, preference)
                        : List.of());
            }
            if (!failover) {
                if (available.test(p)) {
                    // Only its own breaker is open: it stays the endpoint, and the breaker decides when to retry.
                    return new Selection.Chosen(p, List.of());
                }
                return new Selection.NoEndpoint(NO_HEALTHY_ENDPOINT, "primary endpoint " + p.id() + " is "
                        + (p.isActive() ? "unhealthy" : "inactive") + " and failover is disabled");
            }
            return balanced(command.tenantId(), own, usable, available, healthy, preference,
                    "primary endpoint " + p.id() + " is unusable and no other endpoint is healthy");
        }
        return balanced(command.tenantId(), own, usable, available, healthy, preference,
                "no active endpoint is healthy");
    }

    /**
     * The lane (bulkhead) a command is queued in, decided before it runs: its pinned or device's endpoint, else
     * the tenant's primary, else one lane for the tenant. Failover happens inside the lane.
     */
    public String lane(SendCommand command, Optional<TenantConfiguration> configuration,
                       Collection<Endpoint> endpoints, Function<String, Optional<Device>> devices) {
        if (command.deviceId() != null) {
            Optional<String> viaDevice = devices.apply(command.deviceId())
                    .filter(d -> d.tenantId().equals(command.tenantId()))
                    .map(Device::endpointId);
            if (viaDevice.isPresent()) {
                return viaDevice.get();
            }
        } else if (command.endpointId() != null) {
            return command.endpointId();
        }
        return primary(configuration, own(command, endpoints)).map(Endpoint::id)
                .orElse(TENANT_LANE_PREFIX + command.tenantId());
    }

    private static List<Endpoint> own(SendCommand command, Collection<Endpoint> endpoints) {
        return endpoints.stream()
                .filter(e -> e.tenantId().equals(command.tenantId()))
                .sorted(ORDER)
                .toList();
    }

    private Selection balanced(String tenantId, List<Endpoint> own, Predicate<Endpoint> usable,
                               Predicate<Endpoint> available, Predicate<Endpoint> healthy,
                               Comparator<Endpoint> preference, String reasonWhenNone) {
        List<Endpoint> candidates = own.stream().filter(usable).sorted(preference).toList();
        if (candidates.isEmpty()) {
            // Every candidate's breaker is open: keep them in order, the breakers decide whether one may be probed.
            List<Endpoint> open = own.stream().filter(available).sorted(preference).toList();
            if (open.isEmpty()) {
                return new Selection.NoEndpoint(NO_HEALTHY_ENDPOINT, reasonWhenNone);
            }
            return new Selection.Chosen(open.get(0), open.subList(1, open.size()));
        }
        boolean healthyTier = healthy.test(candidates.get(0));
        List<Endpoint> tier = candidates.stream().filter(e -> healthy.test(e) == healthyTier).sorted(ORDER).toList();
        Endpoint chosen = roundRobin.pick(tenantId, tier);
        List<Endpoint> rest = new ArrayList<>();
        candidates.stream().filter(e -> !e.id().equals(chosen.id())).forEach(rest::add);
        own.stream().filter(available).filter(usable.negate()).sorted(preference).forEach(rest::add);
        return new Selection.Chosen(chosen, rest);
    }

    private static List<Endpoint> fallbacks(List<Endpoint> others, Predicate<Endpoint> usable,
                                            Predicate<Endpoint> available, Comparator<Endpoint> preference) {
        List<Endpoint> list = new ArrayList<>(others.stream().filter(usable).sorted(preference).toList());
        others.stream().filter(available).filter(usable.negate()).sorted(preference).forEach(list::add);
        return list;
    }

    private static Selection pinned(String endpointId, List<Endpoint> own) {
        Optional<Endpoint> e = own.stream().filter(x -> x.id().equals(endpointId)).findFirst();
        if (e.isEmpty()) {
            return new Selection.NoEndpoint(ENDPOINT_NOT_FOUND, "endpoint " + endpointId
                    + " is not one of the tenant's endpoints");
        }
        if (!e.get().isActive()) {
            return new Selection.NoEndpoint(ENDPOINT_INACTIVE, "endpoint " + endpointId + " is inactive");
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
