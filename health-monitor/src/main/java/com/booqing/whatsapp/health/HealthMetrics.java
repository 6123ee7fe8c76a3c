package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.HealthState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The monitor's view of endpoint health as meters (docs/METRICS.md): how many of this instance's endpoints are in
 * each state, each endpoint's state ({@code endpoint} tag, bounded by the registry's TagLimits), probe latency,
 * and failover / failback announcements. States are written by the scheduler thread and read by scrapes.
 */
final class HealthMetrics {
    static final String ENDPOINTS = "whatsapp.health.endpoints";
    static final String ENDPOINT_STATE = "whatsapp.health.endpoint.state";
    static final String PROBE_LATENCY = "whatsapp.health.probe.latency";
    static final String FAILOVERS = "whatsapp.health.failovers";

    /** How often {@link #retain} compares the gauges with what is checked (it walks them all). */
    private static final long SWEEP_NANOS = Duration.ofSeconds(10).toNanos();

    private final MeterRegistry meters;
    private long lastSweep = System.nanoTime();
    private final Map<String, HealthState> states = new ConcurrentHashMap<>();
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

    HealthMetrics(MeterRegistry meters) {
        this.meters = meters;
        for (HealthState s : HealthState.values()) {
            Gauge.builder(ENDPOINTS, states, m -> count(m, s)).tag("state", s.wireName())
                    .description("endpoints this instance checks, by their current state").register(meters);
        }
        for (String action : new String[]{FailoverWatch.FAILOVER, FailoverWatch.FAILBACK}) {
            meters.counter(FAILOVERS, "action", action);
        }
    }

    /** The endpoint's state after a probe (the hysteresis state, which is what the sender routes by). */
    void state(Endpoint endpoint, HealthState state) {
        states.put(endpoint.id(), state);
        gauges.computeIfAbsent(endpoint.id(), id -> Gauge.builder(ENDPOINT_STATE, states, m -> value(m.get(id)))
                .tags("endpoint", id, "provider", endpoint.provider().wireName())
                .description("1 healthy, 0 unhealthy, -1 unknown").register(meters));
    }

    /** The endpoint is no longer checked here (deleted, deactivated or owned by another instance). */
    void forget(String endpointId) {
        states.remove(endpointId);
        Gauge g = gauges.remove(endpointId);
        if (g != null) {
            meters.remove(g);
        }
    }

    /**
     * Drops the gauges of endpoints no longer checked here (deleted, deactivated, owned by another instance), at
     * most every ten seconds; called by the scheduler thread with the endpoints it tracks.
     */
    void retain(Set<String> tracked) {
        long now = System.nanoTime();
        if (now - lastSweep < SWEEP_NANOS && gauges.size() <= tracked.size()) {
            return;
        }
        lastSweep = now;
        for (String id : List.copyOf(gauges.keySet())) {
            if (!tracked.contains(id)) {
                forget(id);
            }
        }
    }

    void probed(Endpoint endpoint, ProbeResult result) {
        Long millis = result instanceof ProbeResult.Up up ? Long.valueOf(up.latencyMs())
                : result instanceof ProbeResult.Down down ? down.latencyMs() : null;
        if (millis == null) {
            return;
        }
        Timer.builder(PROBE_LATENCY).description("health probe calls, request to answer")
                .tags("provider", endpoint.provider().wireName(), "result", result instanceof ProbeResult.Up ? "up" : "down")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(1))
                .register(meters).record(Duration.ofMillis(Math.max(0, millis)));
    }

    void announced(FailoverWatch.Change change) {
        meters.counter(FAILOVERS, "action", change.action()).increment();
    }

    private static double count(Map<String, HealthState> states, HealthState wanted) {
        int n = 0;
        for (HealthState s : states.values()) {
            if (s == wanted) {
                n++;
            }
        }
        return n;
    }

    private static double value(HealthState state) {
        if (state == null) {
            return Double.NaN;
        }
        return switch (state) {
            case HEALTHY -> 1;
            case UNHEALTHY -> 0;
            case UNKNOWN -> -1;
        };
    }
}
