package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceCommand;
import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.logging.LogContext;
import com.booqing.whatsapp.common.net.AddressPinning;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.common.tenant.ConfigurationChanged;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.health.device.DeviceEvents;
import com.booqing.whatsapp.health.device.DeviceManager;
import com.booqing.whatsapp.health.device.KeepAlive;
import com.booqing.whatsapp.health.device.SessionApis;
import com.booqing.whatsapp.health.device.SessionStore;
import com.booqing.whatsapp.health.provider.EvolutionSessionApi;
import com.booqing.whatsapp.health.provider.ProviderHttp;
import com.booqing.whatsapp.health.provider.WahaSessionApi;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The health monitor service. It probes every active endpoint it owns once per its tenant's health-check interval
 * and publishes each endpoint's {@link EndpointHealth} (key: endpoint id) when its state changes, plus heartbeats;
 * it publishes a failover / failback event when the endpoint in effect primary for a tenant changes; it keeps
 * devices connected ({@link KeepAlive}); and it runs the {@link DeviceManager}, which carries out device commands.
 *
 * <p>Ownership comes from Kafka group membership ({@link Ownership}): with several instances each endpoint, and
 * each tenant's failover, is handled by exactly one. Monitoring state lives on one scheduler thread; probes run
 * asynchronously and report back to it. A probe may take up to WHATSAPP_DEFAULT_TIMEOUT; the next one of the same
 * endpoint waits for it, so probes never pile up.
 *
 * <p>Scheduling scales with the checks, not with the endpoints: one due-time queue ({@link ProbeSchedule}) is
 * drained every {@link #PUMP} (small steps, so a hundred thousand endpoints make a steady stream of requests, not
 * a burst per second); endpoint changes arrive from the view's listener one by one; only an ownership change walks
 * all endpoints. Endpoints this instance takes on at start or on a takeover are spread over one interval (from
 * their last verdict when it is recent), so a restart does not probe them all at once; an endpoint created while
 * running is checked at once.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
    /** How often due checks are started. */
    static final Duration PUMP = Duration.ofMillis(10);
    static final String FAILOVER_SUBJECT = "failover";

    private final GatewayConfig config;
    private final HealthSettings settings;
    private final Probes probes;
    private final Clock clock;
    private final MeterRegistry meters;
    private final HealthMetrics healthMetrics;
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final CompactedTopicView<Endpoint> endpoints;
    private final CompactedTopicView<TenantConfiguration> configurations;
    private final CompactedTopicView<EndpointHealth> healthView;
    private final CompactedTopicView<Device> devices;
    private final CompactedTopicView<DeviceCommand> lastCommands;
    private final CompactedTopicView<DeviceSession> sessions;
    private final KeyIndex<Endpoint> endpointsByTenant = new KeyIndex<>(Endpoint::tenantId);
    private final KeyIndex<Device> devicesByEndpoint = new KeyIndex<>(Device::endpointId);
    private final Ownership ownership;
    private final Publisher publisher;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService deviceCalls;
    private final DeviceManager deviceManager;
    private final KeepAlive keepAlive;
    private final ProbeSchedule schedule = new ProbeSchedule();
    private final HostSlots hostSlots;
    /**
     * Work for the scheduler thread from other threads (check results, health records read back), run in batches
     * by the pump: at thousands of results a second, handing each to the scheduler executor on its own cost a
     * queue lock and a thread wake-up apiece.
     */
    private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** Probe counters by provider and result: looked up once, not per check. */
    private final Map<ProviderType, Map<String, Counter>> probeCounters = new EnumMap<>(ProviderType.class);
    /** The slot key ({@link HostSlots#hostOf}) of each API URL seen: computed once, not per check. */
    private final Map<String, String> hostKeys = new HashMap<>();
    private final Map<String, HealthTracker> trackers = new HashMap<>();
    /** The newest health record of every endpoint: from the topic and from this instance's own verdicts. */
    private final Map<String, EndpointHealth> latestHealth = new HashMap<>();
    private final FailoverWatch failover = new FailoverWatch();
    private final Set<String> dirtyTenants = ConcurrentHashMap.newKeySet();
    /** Endpoints whose record changed since the last tick (the endpoints view's listener fills it). */
    private final Set<String> dirtyEndpoints = ConcurrentHashMap.newKeySet();
    private long ownershipSeen = -1;
    private volatile boolean started;

    public HealthMonitor(GatewayConfig config, HealthSettings settings, Topics topics, Probes probes,
                         SessionApis sessionApis, SecretBox secrets, Clock clock, MeterRegistry meters) {
        this.config = config;
        this.settings = settings;
        this.probes = probes;
        this.clock = clock;
        this.meters = meters;
        this.healthMetrics = new HealthMetrics(meters);
        this.hostSlots = new HostSlots(settings.maxChecksPerHost());
        String bootstrap = config.kafkaBootstrapServers();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("health-monitor-" + instance));
        this.deviceCalls = Executors.newFixedThreadPool(4, daemon("device-calls-" + instance));
        this.endpoints = new CompactedTopicView<>(bootstrap, topics.endpoints(), clientId("endpoints"), (k, v) -> {
            endpointsByTenant.update(k, v);
            dirtyEndpoints.add(k);
            if (v != null) {
                dirtyTenants.add(v.tenantId());
            }
        });
        this.configurations = new CompactedTopicView<>(bootstrap, topics.tenantConfig(), clientId("config"),
                (k, v) -> dirtyTenants.add(k));
        this.healthView = new CompactedTopicView<>(bootstrap, topics.endpointHealth(), clientId("health"),
                (k, v) -> inbox.add(() -> healthRecord(k, v)));
        this.devices = new CompactedTopicView<>(bootstrap, topics.devices(), clientId("devices"), this::deviceRecord);
        this.lastCommands = new CompactedTopicView<>(bootstrap, topics.deviceCommands(), clientId("commands"),
                (k, v) -> {
                });
        this.sessions = new CompactedTopicView<>(bootstrap, topics.deviceSessions(), clientId("sessions"), (k, v) -> {
        });
        this.ownership = new Ownership(bootstrap, topics.endpoints().name(), settings.ownershipGroup(),
                clientId("ownership"), settings.groupSessionTimeout());
        this.publisher = new Publisher(bootstrap, topics, clientId("publisher"));
        DeviceEvents deviceEvents = new DeviceEvents(publisher, clock);
        SessionStore store = new SessionStore(secrets, publisher, sessions, clock);
        this.deviceManager = new DeviceManager(bootstrap, topics.deviceCommands(), settings.deviceManager(), devices,
                endpoints, sessionApis, deviceEvents, store, publisher, clock, clientId("devices-manager"));
        this.keepAlive = new KeepAlive(
                new KeepAlive.Settings(settings.reconnectIntervalOverride(), config.reconnectInterval(),
                        config.maxReconnectAttempts()),
                sessionApis, deviceEvents, store, devices::get, endpoints::get, configurations::get, lastCommands::get,
                deviceManager::busy, deviceCalls, scheduler, clock, meters);
        meters.gauge("whatsapp.health.owned.partitions", ownership, o -> o.ownedPartitions().size());
        if (ForkJoinPool.getCommonPoolParallelism() < 2) {
            log.warn("the common fork-join pool has a parallelism of {}: every check's answer will start a thread of"
                            + " its own; start the JVM with -D{}=2 (HealthMonitorMain does)",
                    ForkJoinPool.getCommonPoolParallelism(), HealthMonitorMain.COMMON_PARALLELISM);
        }
    }

    /** The monitor with the standard probes and session APIs of every provider. */
    public static HealthMonitor create(GatewayConfig config, HealthSettings settings, Topics topics, SecretBox secrets,
                                       Clock clock, MeterRegistry meters) {
        Duration connectTimeout = config.defaultTimeout().compareTo(Duration.ofSeconds(10)) < 0
                ? config.defaultTimeout() : Duration.ofSeconds(10);
        AddressPinning pinning = AddressPinning.detect();
        if (!pinning.active()) {
            log.warn("plain-http provider calls are not pinned to the checked address (a JDK HTTP class loaded "
                    + "before jdk.httpclient.allowRestrictedHeaders=host was set); DNS answers that change are "
                    + "checked but may be followed at connect time");
        }
        ProviderHttp http = new ProviderHttp(ProviderHttp.httpClient(connectTimeout), EndpointUrlGuard.from(config),
                InetAddress::getAllByName, pinning);
        Probes probes = new Probes(List.of(new CloudApiProbe(http), new WahaProbe(http), new EvolutionProbe(http)),
                secrets);
        SessionApis sessionApis = new SessionApis(List.of(new WahaSessionApi(http), new EvolutionSessionApi(http)),
                secrets, config.defaultTimeout());
        return new HealthMonitor(config, settings, topics, probes, sessionApis, secrets, clock, meters);
    }

    public HealthMonitor start() {
        List<CompactedTopicView<?>> views = List.of(endpoints, configurations, healthView, devices, lastCommands,
                sessions);
        views.forEach(CompactedTopicView::start);
        try {
            for (CompactedTopicView<?> v : views) {
                if (!v.awaitCaughtUp(settings.startupTimeout())) {
                    throw new IllegalStateException("configuration topics not read within "
                            + settings.startupTimeout() + " (HEALTH_STARTUP_TIMEOUT_MS)");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading configuration topics", e);
        }
        publisher.warmUp();
        ownership.start();
        deviceManager.start();
        long tick = settings.tick().toMillis();
        scheduler.scheduleWithFixedDelay(this::tick, 0, tick, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::pump, PUMP.toMillis(), PUMP.toMillis(), TimeUnit.MILLISECONDS);
        log.info("health monitor {} started", instance);
        started = true;
        return this;
    }

    /** What {@code /healthz} reports: started and not stopped. */
    public boolean isRunning() {
        return started && !scheduler.isShutdown();
    }

    /** The devices topic as this instance sees it (tests wait for it to catch up with what they wrote). */
    Optional<Device> device(String deviceId) {
        return devices.get(deviceId);
    }

    /** The tenant's configuration as this instance sees it (tests wait for it as for devices). */
    Optional<TenantConfiguration> configuration(String tenantId) {
        return configurations.get(tenantId);
    }

    /** True when this instance checks the endpoint. */
    boolean owns(String endpointId) {
        return ownership.owns(endpointId);
    }

    /** Partitions of the endpoints topic this instance checks. */
    int ownedPartitions() {
        return ownership.ownedPartitions().size();
    }

    /** Partitions of the device-commands topic this instance's device manager has. */
    int deviceCommandPartitions() {
        return deviceManager.ownedPartitions();
    }

    /** True while this instance follows the device's pairing. */
    boolean followsPairing(String deviceId) {
        return deviceManager.following(deviceId);
    }

    private void tick() {
        try {
            drainInbox();
            Instant now = clock.instant();
            long changes = ownership.changes();
            if (changes != ownershipSeen) {
                // Tenants may have moved: take note of their failover state afresh rather than announce it again.
                ownershipSeen = changes;
                failover.forgetAll();
                dirtyTenants.addAll(endpointsByTenant.groups());
                reconcile(now);
                keepAlive.adopt(devices.values(), ownership::owns);
            }
            applyEndpointChanges(now);
            keepAlive.tick(ownership::owns);
            evaluateFailover(now);
            healthMetrics.retain(trackers.keySet());
        } catch (RuntimeException ex) {
            // The scheduler cancels a task that throws; one bad tick must not end monitoring.
            log.error("health tick failed: {}", ex.toString(), ex);
        }
    }

    /** Takes in what other threads handed over, then starts the checks that are due (each once its host has room). */
    private void pump() {
        try {
            drainInbox();
            for (String id : schedule.takeDue(clock.instant(), Integer.MAX_VALUE)) {
                Endpoint e = checkable(id);
                if (e == null) {
                    continue;
                }
                String host = hostKeys.computeIfAbsent(e.apiUrl(), HostSlots::hostOf);
                if (hostSlots.tryAcquire(host)) {
                    check(e, host);
                } else {
                    hostSlots.await(host, id);
                }
            }
        } catch (RuntimeException ex) {
            log.error("health check pump failed: {}", ex.toString(), ex);
        }
    }

    /** The endpoint if it is still ours to check; otherwise forgets it and answers null. */
    private Endpoint checkable(String id) {
        Endpoint e = endpoints.get(id).orElse(null);
        if (e == null || !e.isActive() || !ownership.owns(id)) {
            forget(id);
            return null;
        }
        return e;
    }

    /** The endpoint is no longer checked here (its health record, if any, is dealt with by the caller). */
    private void forget(String id) {
        schedule.forget(id);
        probes.forget(id);
    }

    /** One check; its host's slot is held until it ends, then passed to the next check waiting for that host. */
    private void check(Endpoint e, String host) {
        Instant asked = clock.instant();
        probes.probe(e, config.defaultTimeout()).whenComplete((result, error) -> inbox.add(() -> {
            try {
                onResult(e, result, error, asked);
            } finally {
                released(host);
            }
        }));
    }

    private void drainInbox() {
        // Bounded by what is there now: work added meanwhile waits for the next round.
        for (int n = inbox.size(); n > 0; n--) {
            Runnable r = inbox.poll();
            if (r == null) {
                return;
            }
            try {
                r.run();
            } catch (RuntimeException ex) {
                log.error("health monitor task failed: {}", ex.toString(), ex);
            }
        }
    }

    private void released(String host) {
        Optional<String> next = hostSlots.release(host);
        while (next.isPresent()) {
            String id = next.get();
            Endpoint e = schedule.running(id) ? checkable(id) : null;
            if (e != null) {
                check(e, host);
                return;
            }
            next = hostSlots.release(host);
        }
    }

    /**
     * After an ownership change: takes on the active endpoints now owned (spread over their interval) and drops the
     * ones another instance owns now. The only walk over all endpoints.
     */
    private void reconcile(Instant now) {
        for (Endpoint e : endpoints.values()) {
            if (e.isActive() && ownership.owns(e.id()) && !schedule.contains(e.id())) {
                schedule.schedule(e.id(), takenOnDue(e, now));
            }
        }
        for (String id : schedule.endpoints()) {
            if (!ownership.owns(id)) {
                forget(id);
                trackers.remove(id);
            }
        }
        trackers.keySet().removeIf(id -> !ownership.owns(id));
    }

    /**
     * When an endpoint this instance takes on is first checked: one interval after its last verdict when that is
     * still ahead (the previous owner's rhythm), otherwise at a random point of the coming interval, so that taking
     * on many endpoints spreads their checks evenly instead of starting them all at once.
     */
    private Instant takenOnDue(Endpoint e, Instant now) {
        EndpointHealth last = latestHealth.get(e.id());
        return ProbeSchedule.takenOn(last == null ? null : last.checkedAt(), interval(e), now,
                ThreadLocalRandom.current().nextDouble());
    }

    /**
     * Endpoints changed since the last tick: a deleted one loses its health record, a deactivated one goes back to
     * UNKNOWN, a new (or reactivated) one of ours is checked at once, one another instance owns is forgotten here.
     */
    private void applyEndpointChanges(Instant now) {
        if (ownership.changes() != ownershipSeen) {
            // Ownership moved since reconcile: the next tick reconciles first, or every endpoint would look new.
            return;
        }
        for (String id : List.copyOf(dirtyEndpoints)) {
            dirtyEndpoints.remove(id);
            Endpoint e = endpoints.get(id).orElse(null);
            if (e == null) {
                forget(id);
                if (trackers.remove(id) != null) {
                    publish(id, null);
                }
            } else if (!e.isActive()) {
                forget(id);
                HealthTracker t = trackers.remove(id);
                if (t != null) {
                    publish(id, t.inactive(now));
                }
            } else if (ownership.owns(id)) {
                if (!schedule.contains(id)) {
                    schedule.schedule(id, now);
                }
            } else {
                forget(id);
                trackers.remove(id);
            }
        }
    }

    private void onResult(Endpoint probed, ProbeResult result, Throwable error, Instant asked) {
        Optional<Endpoint> now = endpoints.get(probed.id());
        if (now.isEmpty() || !now.get().isActive() || !ownership.owns(probed.id())) {
            forget(probed.id());
            return;
        }
        schedule.finished(probed.id(), interval(now.get()));
        ProbeResult r = error != null ? new ProbeResult.Down("probe failed (" + error.getClass().getSimpleName() + ")", null)
                : result;
        String outcome = r instanceof ProbeResult.Up ? "up" : r instanceof ProbeResult.Down ? "down" : "notprobed";
        probeCounters.computeIfAbsent(probed.provider(), p -> new HashMap<>()).computeIfAbsent(outcome, o ->
                meters.counter("whatsapp.health.probes", "provider", probed.provider().wireName(), "result", o))
                .increment();
        healthMetrics.probed(probed, r);
        HealthTracker tracker = trackers.computeIfAbsent(probed.id(), id -> {
            EndpointHealth last = latestHealth.get(id);
            return last != null && last.tenantId().equals(probed.tenantId())
                    ? HealthTracker.resume(last, settings.thresholds())
                    : new HealthTracker(probed.tenantId(), id, settings.thresholds());
        });
        HealthState before = tracker.state();
        tracker.observe(r, clock.instant()).ifPresent(h -> {
            // A first verdict of healthy is news for nobody (at start, one line per endpoint); the rest is logged.
            boolean news = h.state() != before
                    && !(before == HealthState.UNKNOWN && h.state() == HealthState.HEALTHY);
            if (news || (h.state() != before && log.isDebugEnabled())) {
                try (LogContext c = LogContext.open().tenant(h.tenantId()).endpoint(h.endpointId())) {
                    String line = "endpoint {} of tenant {} is now {}{}";
                    Object[] args = {h.endpointId(), h.tenantId(), h.state().wireName(),
                            h.lastError() == null ? "" : " (" + h.lastError() + ")"};
                    if (news) {
                        log.info(line, args);
                    } else {
                        log.debug(line, args);
                    }
                }
            }
            publish(h.endpointId(), h);
        });
        healthMetrics.state(probed, tracker.state());
        List<Device> onEndpoint = new ArrayList<>();
        for (String id : devicesByEndpoint.keysOf(probed.id())) {
            devices.get(id).ifPresent(onEndpoint::add);
        }
        if (onEndpoint.isEmpty()) {
            return;
        }
        if (r instanceof ProbeResult.Down down && down.cause() == ProbeResult.Cause.SESSION_MISSING) {
            keepAlive.sessionMissing(now.get(), onEndpoint, asked);
        } else {
            keepAlive.observe(now.get(), r.providerStatus(), onEndpoint, asked);
        }
    }

    /** The devices view's listener (its thread): index it, and let keep-alive see the change on the scheduler. */
    private void deviceRecord(String deviceId, Device d) {
        devicesByEndpoint.update(deviceId, d);
        onScheduler(() -> keepAlive.deviceChanged(deviceId, d, ownership::owns));
    }

    private void healthRecord(String endpointId, EndpointHealth h) {
        EndpointHealth before = latestHealth.get(endpointId);
        if (h == null) {
            latestHealth.remove(endpointId);
            if (before != null) {
                dirtyTenants.add(before.tenantId());
            }
            return;
        }
        // Our own verdicts are applied at once; the topic's echo of an older one must not undo a newer.
        if (before == null || before.checkedAt() == null || h.checkedAt() == null
                || !h.checkedAt().isBefore(before.checkedAt())) {
            latestHealth.put(endpointId, h);
            if (before == null || before.state() != h.state()) {
                dirtyTenants.add(h.tenantId());
            }
        }
    }

    private void evaluateFailover(Instant now) {
        for (String tenant : List.copyOf(dirtyTenants)) {
            dirtyTenants.remove(tenant);
            if (!ownership.owns(tenant)) {
                failover.forget(tenant);
                continue;
            }
            List<Endpoint> tenantEndpoints = new ArrayList<>();
            for (String id : endpointsByTenant.keysOf(tenant)) {
                endpoints.get(id).filter(e -> e.tenantId().equals(tenant)).ifPresent(tenantEndpoints::add);
            }
            failover.evaluate(tenant, tenantEndpoints, configurations.get(tenant).orElse(null), latestHealth::get, now)
                    .ifPresent(this::announce);
        }
    }

    private void announce(FailoverWatch.Change c) {
        try (LogContext ctx = LogContext.open().tenant(c.tenantId()).endpoint(c.inEffect())) {
            log.info("tenant {}: {} ({})", c.tenantId(), c.action(), c.detail());
        }
        healthMetrics.announced(c);
        String eventId = EventIds.eventId(c.tenantId(), FAILOVER_SUBJECT, c.action(), Objects.toString(c.primary()),
                Objects.toString(c.inEffect()), c.since().toString());
        publisher.event(c.tenantId(), new Envelope(eventId, c.tenantId(), clock.instant(), DeviceEvents.SOURCE,
                new ConfigurationChanged(FAILOVER_SUBJECT, c.tenantId(), c.action(), c.detail())));
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
        publisher.health(endpointId, health);
        healthRecord(endpointId, health);
    }

    private void onScheduler(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException closing) {
            // stopping
        }
    }

    private String clientId(String purpose) {
        return "whatsapp-health-" + purpose + "-" + instance;
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        deviceManager.close();
        scheduler.shutdownNow();
        deviceCalls.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // What this instance recorded (verdicts, reconnect progress) is on the broker before its successor reads it.
        publisher.flush();
        // Leaving the group hands this instance's endpoints to the others at once.
        ownership.close();
        publisher.close();
        endpoints.close();
        configurations.close();
        healthView.close();
        devices.close();
        lastCommands.close();
        sessions.close();
    }
}
