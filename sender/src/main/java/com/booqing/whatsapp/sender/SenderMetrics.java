package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.SendResult;
import io.micrometer.core.instrument.MeterRegistry;

/** The sender's meters, named in one place. */
public final class SenderMetrics {
    public static final String POSSIBLE_DUPLICATES = "whatsapp.sender.possible.duplicates";
    public static final String RESULTS = "whatsapp.sender.results";
    public static final String ATTEMPTS = "whatsapp.sender.attempts";
    public static final String FAILOVERS = "whatsapp.sender.failovers";
    public static final String RETRIES = "whatsapp.sender.retries";
    public static final String REPLAYS = "whatsapp.sender.idempotent.replays";
    public static final String DEAD_LETTERS = "whatsapp.sender.dead.letters";

    private final MeterRegistry registry;

    public SenderMetrics(MeterRegistry registry) {
        this.registry = registry;
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
                "provider", result.provider() == null ? "none" : result.provider().wireName()).increment();
    }

    /** Sum of a counter over all its tags; for tests and the log. */
    public double total(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
