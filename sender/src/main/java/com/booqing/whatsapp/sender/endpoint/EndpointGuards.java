package com.booqing.whatsapp.sender.endpoint;

import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit breaker and one rate limiter per endpoint. The breaker is the sender's own, immediate verdict on an
 * endpoint: a few failed sends open it, and the selector then avoids the endpoint without waiting for the health
 * monitor's next probe. After {@link Settings#openWait()} one trial call is let through (half-open); its success
 * closes the breaker again. Time comes from the injected clock.
 */
public final class EndpointGuards {
    private static final Logger log = LoggerFactory.getLogger(EndpointGuards.class);

    /**
     * @param window             the last N calls the failure rate is computed over (count-based)
     * @param minimumCalls       calls needed before the rate counts
     * @param failureRatePercent opens at or above this share of failed calls
     * @param openWait           how long an open breaker refuses calls before one trial
     * @param ratePerSecond      calls per second per endpoint, by provider
     */
    public record Settings(int window, int minimumCalls, float failureRatePercent, Duration openWait,
                           Map<ProviderType, Double> ratePerSecond) {
        public Settings {
            Objects.requireNonNull(openWait, "openWait");
            ratePerSecond = Map.copyOf(ratePerSecond);
        }

        double rateFor(ProviderType provider) {
            return ratePerSecond.getOrDefault(provider, 80.0);
        }
    }

    /** What guards one endpoint. */
    public record Guard(CircuitBreaker breaker, TokenBucket bucket) {
    }

    private final Settings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final CircuitBreakerConfig breakerConfig;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    private final Map<String, Instant> openedAt = new ConcurrentHashMap<>();

    public EndpointGuards(Settings settings, Clock clock, MeterRegistry meters) {
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.window())
                .minimumNumberOfCalls(settings.minimumCalls())
                .failureRateThreshold(settings.failureRatePercent())
                .waitDurationInOpenState(settings.openWait())
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(clock)
                .build();
    }

    public Guard of(Endpoint endpoint) {
        return guards.computeIfAbsent(endpoint.id(), id -> {
            CircuitBreaker breaker = CircuitBreaker.of(id, breakerConfig);
            breaker.getEventPublisher().onStateTransition(e -> {
                CircuitBreaker.State to = e.getStateTransition().getToState();
                if (to == CircuitBreaker.State.OPEN) {
                    openedAt.put(id, clock.instant());
                } else {
                    openedAt.remove(id);
                }
                log.info("circuit of endpoint {} went {} -> {}", id, e.getStateTransition().getFromState(), to);
                meters.counter("whatsapp.sender.circuit.transitions", "to", to.name().toLowerCase()).increment();
            });
            double rate = settings.rateFor(endpoint.provider());
            // A burst of at most a tenth of a second's worth: calls start evenly rather than all at once, so a
            // provider counting in windows shorter than a second does not see the whole second's quota at once.
            return new Guard(breaker, new TokenBucket(rate, Math.max(1, rate / 10), clock));
        });
    }

    /** True while the endpoint's breaker is open and its wait has not passed, i.e. a call would be refused. */
    public boolean circuitOpen(String endpointId) {
        Instant opened = openedAt.get(endpointId);
        // The breaker lets a trial through only once the clock is strictly past the wait.
        return opened != null && !clock.instant().isAfter(opened.plus(settings.openWait()));
    }

    /** How long until the endpoint's open breaker lets a trial call through; zero when it is not open. */
    public Duration remainingOpen(String endpointId) {
        Instant opened = openedAt.get(endpointId);
        if (opened == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), opened.plus(settings.openWait()));
        return left.isNegative() ? Duration.ZERO : left.plusMillis(1);
    }

    public CircuitBreaker.State state(String endpointId) {
        Guard g = guards.get(endpointId);
        return g == null ? CircuitBreaker.State.CLOSED : g.breaker().getState();
    }
}
