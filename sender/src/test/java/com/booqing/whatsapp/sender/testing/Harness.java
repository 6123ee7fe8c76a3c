package com.booqing.whatsapp.sender.testing;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.sender.SendHandler;
import com.booqing.whatsapp.sender.SenderMetrics;
import com.booqing.whatsapp.sender.SenderSettings;
import com.booqing.whatsapp.sender.delivery.Backoff;
import com.booqing.whatsapp.sender.delivery.Delivery;
import com.booqing.whatsapp.sender.endpoint.EndpointGuards;
import com.booqing.whatsapp.sender.endpoint.EndpointSelector;
import com.booqing.whatsapp.sender.idempotency.IdempotencyStore;
import com.booqing.whatsapp.sender.provider.EndpointAddressCheck;
import com.booqing.whatsapp.sender.provider.ProviderAdapter;
import com.booqing.whatsapp.sender.provider.ProviderAdapters;
import com.booqing.whatsapp.sender.recipient.PhoneNumbers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link SendHandler} wired with a stepping clock, an in-memory directory and idempotency store and scripted
 * adapters: everything above the HTTP call, with time under the test's control. Backoff jitter is fixed at half.
 */
public final class Harness {
    public static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    public final MutableClock clock = new MutableClock(NOW);
    public final SteppingSleeper sleeper = new SteppingSleeper(clock);
    public final SecretBox box = Fixtures.secretBox();
    public final InMemoryDirectory directory = new InMemoryDirectory();
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final SenderMetrics metrics = new SenderMetrics(meters);
    public final SenderSettings settings;
    public final EndpointGuards guards;
    public final Delivery delivery;
    public final SendHandler handler;
    public final IdempotencyStore store;

    /** Defaults: timeout 3 s, 3 retries, backoff 100 ms..1 s, breaker 4 calls / 2 minimum / 50 % / 10 s open. */
    public Harness(List<ProviderAdapter> adapters) {
        this(adapters, Map.of(), new InMemoryIdempotencyStore());
    }

    public Harness(List<ProviderAdapter> adapters, Map<String, String> env, IdempotencyStore store) {
        this(adapters, env, store, Fixtures.addressCheck(true));
    }

    public Harness(List<ProviderAdapter> adapters, Map<String, String> env, IdempotencyStore store,
                   EndpointAddressCheck addresses) {
        Map<String, String> vars = new HashMap<>(Map.of(
                "WHATSAPP_DEFAULT_TIMEOUT", "3000",
                "WHATSAPP_DEFAULT_RETRIES", "3",
                "SENDER_BACKOFF_BASE_MS", "100",
                "SENDER_BACKOFF_MAX_MS", "1000",
                "SENDER_BREAKER_WINDOW", "4",
                "SENDER_BREAKER_MIN_CALLS", "2",
                "SENDER_BREAKER_OPEN_MS", "10000"));
        vars.putAll(env);
        Env e = new Env(vars);
        this.settings = SenderSettings.from(e, GatewayConfig.from(e));
        this.store = store;
        this.guards = new EndpointGuards(settings.breaker(), clock, meters);
        this.delivery = new Delivery(new ProviderAdapters(adapters, addresses), guards, box,
                new Backoff(settings.backoffBase(), settings.backoffMax(), () -> 0.5), settings.retries(), clock,
                sleeper, metrics);
        this.handler = new SendHandler(directory, new EndpointSelector(), guards, delivery, store, new PhoneNumbers(),
                settings, clock, sleeper, metrics);
    }
}
