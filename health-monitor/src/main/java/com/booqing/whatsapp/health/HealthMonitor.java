package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The health monitor service: probes every active endpoint once per its tenant's health-check interval and
 * publishes each endpoint's {@link EndpointHealth} (key: endpoint id) when its state changes, plus heartbeats.
 * All state lives on one scheduler thread; probes run asynchronously and report back to it. A probe may take up
 * to WHATSAPP_DEFAULT_TIMEOUT; the next one of the same endpoint waits for it, so probes never pile up.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final GatewayConfig config;
    private final HealthSettings settings;
    private final Topics topics;
    private final Probes probes;
    private final Clock clock;
    private final MeterRegistry meters;
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final CompactedTopicView<Endpoint> endpoints;
    private final CompactedTopicView<TenantConfiguration> configurations;
    private final KafkaProducer<byte[], byte[]> producer;
    private final ScheduledExecutorService scheduler;
    private final ProbeSchedule schedule = new ProbeSchedule();
    private final Map<String, HealthTracker> trackers = new HashMap<>();

    public HealthMonitor(GatewayConfig config, HealthSettings settings, Topics topics, Probes probes, Clock clock,
                         MeterRegistry meters) {
        this.config = config;
        this.settings = settings;
        this.topics = topics;
        this.probes = probes;
        this.clock = clock;
        this.meters = meters;
        String bootstrap = config.kafkaBootstrapServers();
        this.endpoints = new CompactedTopicView<>(bootstrap, topics.endpoints(), clientId("endpoints"), (k, v) -> {
        });
        this.configurations = new CompactedTopicView<>(bootstrap, topics.tenantConfig(), clientId("config"), (k, v) -> {
        });
        this.producer = new KafkaProducer<>(KafkaClients.durableProducer(bootstrap, clientId("health"),
                Duration.ofSeconds(10), Duration.ofSeconds(30)), new ByteArraySerializer(), new ByteArraySerializer());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "health-monitor-" + instance);
            t.setDaemon(true);
            return t;
        });
    }

    public HealthMonitor start() {
        endpoints.start();
        configurations.start();
        try {
            if (!endpoints.awaitCaughtUp(STARTUP_TIMEOUT) || !configurations.awaitCaughtUp(STARTUP_TIMEOUT)) {
                throw new IllegalStateException("configuration topics not read within " + STARTUP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading configuration topics", e);
        }
        long tick = settings.tick().toMillis();
        scheduler.scheduleWithFixedDelay(this::tick, 0, tick, TimeUnit.MILLISECONDS);
        log.info("health monitor {} started", instance);
        return this;
    }

    private void tick() {
        try {
            Instant now = clock.instant();
            Map<String, Endpoint> current = endpoints.snapshot();
            for (Endpoint e : current.values()) {
                if (e.isActive() && schedule.startIfDue(e.id(), interval(e), now)) {
                    probes.probe(e, config.defaultTimeout())
                            .whenCompleteAsync((result, error) -> onResult(e, result, error), scheduler);
                }
            }
            retire(current);
        } catch (RuntimeException ex) {
            // The scheduler cancels a task that throws; one bad tick must not end monitoring.
            log.error("health tick failed: {}", ex.toString(), ex);
        }
    }

    private void onResult(Endpoint probed, ProbeResult result, Throwable error) {
        schedule.finished(probed.id());
        Optional<Endpoint> now = endpoints.get(probed.id());
        if (now.isEmpty() || !now.get().isActive()) {
            return;
        }
        ProbeResult r = error != null ? new ProbeResult.Down("probe failed (" + error.getClass().getSimpleName() + ")", null)
                : result;
        meters.counter("whatsapp.health.probes", "provider", probed.provider().wireName(),
                "result", r.getClass().getSimpleName().toLowerCase()).increment();
        HealthTracker tracker = trackers.computeIfAbsent(probed.id(),
                id -> new HealthTracker(probed.tenantId(), id, settings.thresholds()));
        HealthState before = tracker.state();
        tracker.observe(r, clock.instant()).ifPresent(h -> {
            if (h.state() != before) {
                log.info("endpoint {} of tenant {} is now {}{}", h.endpointId(), h.tenantId(), h.state().wireName(),
                        h.lastError() == null ? "" : " (" + h.lastError() + ")");
            }
            publish(h.endpointId(), h);
        });
    }

    /** Endpoints deleted lose their health record; deactivated ones go back to UNKNOWN. */
    private void retire(Map<String, Endpoint> current) {
        for (String id : List.copyOf(trackers.keySet())) {
            Endpoint e = current.get(id);
            if (e == null) {
                trackers.remove(id);
                schedule.forget(id);
                publish(id, null);
            } else if (!e.isActive()) {
                publish(id, trackers.remove(id).inactive(clock.instant()));
                schedule.forget(id);
            }
        }
    }

    private Duration interval(Endpoint e) {
        if (settings.intervalOverride() != null) {
            return settings.intervalOverride();
        }
        return configurations.get(e.tenantId())
                .map(TenantConfiguration::healthCheckInterval)
                .filter(s -> s > 0)
                .map(s -> Duration.ofSeconds(s))
                .orElse(config.healthCheckInterval());
    }

    private void publish(String endpointId, EndpointHealth health) {
        Topic<String, EndpointHealth> t = topics.endpointHealth();
        producer.send(new ProducerRecord<>(t.name(), t.keySerde().serializer().serialize(t.name(), endpointId),
                health == null ? null : t.valueSerde().serializer().serialize(t.name(), health)), (md, ex) -> {
            if (ex != null) {
                log.warn("could not publish health of {}: {}", endpointId, ex.toString());
            }
        });
    }

    private String clientId(String purpose) {
        return "whatsapp-health-" + purpose + "-" + instance;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        endpoints.close();
        configurations.close();
    }
}
