package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.SendResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sender's meters, named in one place (all of them: docs/METRICS.md). The endpoint and error-code tags are
 * bounded by the registry's {@code TagLimits}; tenant ids are never tags.
 */
public final class SenderMetrics {
    public static final String POSSIBLE_DUPLICATES = "whatsapp.sender.possible.duplicates";
    public static final String RESULTS = "whatsapp.sender.results";
    public static final String ATTEMPTS = "whatsapp.sender.attempts";
    public static final String FAILOVERS = "whatsapp.sender.failovers";
    public static final String RETRIES = "whatsapp.sender.retries";
    public static final String REPLAYS = "whatsapp.sender.idempotent.replays";
    public static final String DEAD_LETTERS = "whatsapp.sender.dead.letters";
    public static final String PROVIDER_RESPONSE = "whatsapp.sender.provider.response";
    public static final String SEND_LATENCY = "whatsapp.sender.send.latency";
    private static final String NONE = "none";

    private final MeterRegistry registry;
    // Built once per tag set: building a timer on every send took the registry's lock on the hot path.
    private final Map<String, Timer> providerResponseTimers = new ConcurrentHashMap<>();
    private final Map<String, Timer> sendLatencyTimers = new ConcurrentHashMap<>();

    public SenderMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Registered at zero: rare events must have a series before they first happen, for rates and alerts.
        for (String reason : new String[]{"timeout", "interrupted", "retry_after_server_error"}) {
            registry.counter(POSSIBLE_DUPLICATES, "reason", reason);
        }
        registry.counter(FAILOVERS);
        registry.counter(RETRIES);
        registry.counter(REPLAYS);
        registry.counter(DEAD_LETTERS);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A message that may have gone out although its result says it did not, or that may go out twice. */
    public void possibleDuplicate(String why) {
        registry.counter(POSSIBLE_DUPLICATES, "reason", why).increment();
    }

    public void attempt(ProviderType provider, String outcome) {
        registry.counter(ATTEMPTS, "provider", provider.wireName(), "outcome", outcome).increment();
    }

    public void failover() {
        registry.counter(FAILOVERS).increment();
    }

    public void retry() {
        registry.counter(RETRIES).increment();
    }

    public void replay() {
        registry.counter(REPLAYS).increment();
    }

    public void unreadable() {
        registry.counter(DEAD_LETTERS).increment();
    }

    public void result(SendResult result) {
        registry.counter(RESULTS, "outcome", result.outcome().wireName(),
                "provider", result.provider() == null ? NONE : result.provider().wireName(),
                "endpoint", result.endpointId() == null ? NONE : result.endpointId(),
                "code", result.errorCode() == null ? NONE : result.errorCode()).increment();
    }

    /** One provider call, from the request leaving to its answer (or timeout). */
    public void providerResponse(ProviderType provider, String outcome, Duration took) {
        providerResponseTimers.computeIfAbsent(provider.wireName() + '|' + outcome, k ->
                Timer.builder(PROVIDER_RESPONSE).description("provider send calls, request to answer")
                        .tags("provider", provider.wireName(), "outcome", outcome)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(2))
                        .register(registry)).record(took);
    }

    /**
     * Command to result: from the send command's record timestamp (when it was produced) to its result being
     * handed to the producer. Includes time queued on Kafka, retries and backoff.
     */
    public void sendLatency(SendResult result, Duration took) {
        String outcome = result.outcome().wireName();
        String provider = result.provider() == null ? NONE : result.provider().wireName();
        sendLatencyTimers.computeIfAbsent(outcome + '|' + provider, k ->
                Timer.builder(SEND_LATENCY).description("send command produced to its result acknowledged")
                        .tags("outcome", outcome, "provider", provider)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                        .register(registry)).record(took.isNegative() ? Duration.ZERO : took);
    }

    /** Sum of a counter over all its tags; for tests and the log. */
    public double total(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
