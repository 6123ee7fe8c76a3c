package com.booqing.whatsapp.health.device;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceCommand;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.health.provider.ProviderCallException;
import com.booqing.whatsapp.health.provider.SessionApi;
import com.booqing.whatsapp.health.provider.SessionCall;
import com.booqing.whatsapp.health.provider.SessionView;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Device keep-alive. It watches each device's status from two sides — the devices topic (what webhooks reported,
 * folded by the processor) and the monitor's own check of the device's session at every health probe of its
 * endpoint — and when a connected device drops (WAHA WORKING → STOPPED/STARTING, Evolution open →
 * close/connecting) and its tenant has autoReconnect, it reconnects it with exponential backoff
 * ({@link ReconnectSchedule}): a CONNECTING event "reconnect attempt n/N" per attempt, CONNECTED when it is back,
 * ERROR "gave up after N reconnect attempts" after the last. A device whose link is gone (WAHA shows a QR code
 * again or FAILED; the processor's ERROR for Evolution's statusReason 401/403) is not retried: it needs a new QR
 * scan and says so. A device someone disconnected on purpose (its latest command is a DISCONNECT) is left alone.
 *
 * <p>Confined to the monitor's scheduler thread ({@code home}); provider calls run on {@code calls} and report
 * back to it. It only acts for devices whose endpoint this instance owns.
 *
 * <p>Takeover: every episode's progress (when it began, attempts made, when the next step is due) is kept with the
 * device's session data ({@link SessionStore.Reconnect}) at its start and at each attempt, and cleared when it
 * ends. When endpoints move to this instance (a rebalance, another instance stopped or died), {@link #adopt} picks
 * up the episodes of their devices from there: the next attempt keeps its number, its time and the backoff reached,
 * and the events keep the episode's ids. Progress is recorded as an attempt starts, so an attempt cut short by its
 * instance dying counts as made, and no attempt number is used twice.
 */
public final class KeepAlive {
    public static final String LOGGED_OUT = "logged out: new QR scan needed";
    public static final String FAILED = "session FAILED: new QR scan needed";
    public static final String SESSION_MISSING = "session not found at the provider: connect it again";
    /**
     * Probes in a row that must find no session before a connected device is reported dropped: one 404 may be a
     * proxy in front of a restarting provider, or a provider still loading its sessions.
     */
    public static final int MISSING_CHECKS = 3;
    private static final Logger log = LoggerFactory.getLogger(KeepAlive.class);
    /** Reconnect calls made, tag result: {@code requested} (the provider took the call) or {@code failed}. */
    public static final String RECONNECT_ATTEMPTS = "whatsapp.health.reconnect.attempts";
    /** Reconnect episodes that ended without the device back, after the last attempt. */
    public static final String RECONNECT_GIVE_UPS = "whatsapp.health.reconnect.giveups";

    /**
     * @param intervalOverride     one first reconnect delay for every tenant (tests, demos); null in production
     * @param defaultInterval      WHATSAPP_RECONNECT_INTERVAL, for tenants without their own
     * @param defaultMaxAttempts   WHATSAPP_MAX_RECONNECT_ATTEMPTS, for devices without their own
     */
    public record Settings(Duration intervalOverride, Duration defaultInterval, int defaultMaxAttempts) {
    }

    /** What a reconnect attempt found. */
    private enum Outcome { BACK, LOGGED_OUT, CALLED, FAILED }

    private static final class Episode {
        final String deviceId;
        final String endpointId;
        final ReconnectSchedule schedule;
        final Instant startedAt;
        final String cause;
        Device device;
        String lastStatus;
        boolean calling;

        Episode(Device device, ReconnectSchedule schedule, String lastStatus, Instant startedAt) {
            this.deviceId = device.id();
            this.endpointId = device.endpointId();
            this.device = device;
            this.schedule = schedule;
            this.lastStatus = lastStatus;
            this.startedAt = startedAt;
            this.cause = "reconnect:" + startedAt;
        }
    }

    private final Settings settings;
    private final SessionApis apis;
    private final DeviceEvents events;
    private final SessionStore store;
    private final Function<String, Optional<Device>> devices;
    private final Function<String, Optional<Endpoint>> endpoints;
    private final Function<String, Optional<TenantConfiguration>> configurations;
    private final Function<String, Optional<DeviceCommand>> lastCommands;
    private final Predicate<String> busy;
    private final Executor calls;
    private final Executor home;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Map<String, Episode> episodes = new HashMap<>();
    private final Map<String, DeviceStatus> seenOnTopic = new HashMap<>();
    /** Per endpoint, how many of its latest probes in a row found no session. */
    private final Map<String, Integer> missingInARow = new HashMap<>();

    public KeepAlive(Settings settings, SessionApis apis, DeviceEvents events, SessionStore store,
                     Function<String, Optional<Device>> devices, Function<String, Optional<Endpoint>> endpoints,
                     Function<String, Optional<TenantConfiguration>> configurations,
                     Function<String, Optional<DeviceCommand>> lastCommands, Predicate<String> busy, Executor calls,
                     Executor home, Clock clock, MeterRegistry meters) {
        this.settings = settings;
        this.apis = apis;
        this.events = events;
        this.store = store;
        this.devices = devices;
        this.endpoints = endpoints;
        this.configurations = configurations;
        this.lastCommands = lastCommands;
        this.busy = busy;
        this.calls = calls;
        this.home = home;
        this.clock = clock;
        this.meters = meters;
        // Registered at zero, so that the series exist before the first drop.
        meters.counter(RECONNECT_ATTEMPTS, "result", "requested");
        meters.counter(RECONNECT_ATTEMPTS, "result", "failed");
        meters.counter(RECONNECT_GIVE_UPS);
    }

    /** True while the device is being reconnected. */
    public boolean reconnecting(String deviceId) {
        return episodes.containsKey(deviceId);
    }

    /**
     * The endpoint's session status, as its health probe just read it, for the devices on that endpoint.
     *
     * @param asked when the probe was sent: the status is what the provider said at some point after it
     */
    public void observe(Endpoint endpoint, String providerStatus, Collection<Device> onEndpoint, Instant asked) {
        missingInARow.remove(endpoint.id());
        Optional<SessionApi> found = apis.api(endpoint.provider());
        if (providerStatus == null || found.isEmpty()) {
            return;
        }
        SessionApi api = found.get();
        DeviceStatus mapped = api.map(providerStatus);
        if (mapped == null) {
            return;
        }
        for (Device d : onEndpoint) {
            if (onEndpoint(d, endpoint)) {
                observed(d, api, providerStatus, mapped, asked);
            }
        }
    }

    /**
     * The endpoint's health probe found no session (WAHA) or instance (Evolution) at the provider. Once
     * {@value #MISSING_CHECKS} probes in a row have, a device on it still known as connected is reported
     * DISCONNECTED, and not reconnected: restarting a session that does not exist cannot succeed, and the reason
     * says to connect it again. Should the session come back after all, the next probe that finds it working says
     * so (as for any disconnected device). A device in a reconnect already is left to it.
     *
     * @param asked when the probe was sent
     */
    public void sessionMissing(Endpoint endpoint, Collection<Device> onEndpoint, Instant asked) {
        int inARow = missingInARow.merge(endpoint.id(), 1, Integer::sum);
        if (inARow < MISSING_CHECKS) {
            return;
        }
        for (Device d : onEndpoint) {
            if (!onEndpoint(d, endpoint) || episodes.containsKey(d.id())) {
                continue;
            }
            DeviceEvents.Known known = events.lastKnown(d);
            if (known.status() != DeviceStatus.CONNECTED || asked.isBefore(known.at())) {
                continue;
            }
            log.info("device {} of tenant {}: {} ({} checks in a row)", d.id(), d.tenantId(), SESSION_MISSING,
                    inARow);
            events.publish(d, DeviceStatus.DISCONNECTED, null, null, null, SESSION_MISSING, "missing:" + known.at());
        }
    }

    /** The device is the endpoint's (and its tenant's), and the device manager is not working on it. */
    private boolean onEndpoint(Device d, Endpoint endpoint) {
        return d.endpointId().equals(endpoint.id()) && d.tenantId().equals(endpoint.tenantId()) && !busy.test(d.id());
    }

    private void observed(Device d, SessionApi api, String providerStatus, DeviceStatus mapped, Instant asked) {
        DeviceEvents.Known known = events.lastKnown(d);
        Episode ep = episodes.get(d.id());
        if (ep != null) {
            ep.device = d;
        } else if (asked.isBefore(known.at())) {
            // Asked before the device's last known change (a webhook's report, or this monitor's own event): the
            // answer tells what the session was before it, and acting on it undid a reported drop with a stale
            // "connected". known.at() is the provider's or another service's clock, so a skew between the two
            // narrows or widens this window by as much; the next probe's answer counts either way.
            return;
        }
        if (known.status() == DeviceStatus.PAIRING) {
            // Pairing is followed by the device manager (and the provider's webhooks), not by keep-alive.
            if (ep != null) {
                end(ep);
            }
            return;
        }
        if (mapped == DeviceStatus.CONNECTED) {
            if (ep != null) {
                if (asked.isBefore(ep.startedAt)) {
                    // Asked before the drop was known (a probe in flight when a webhook reported it): "connected"
                    // then says nothing about the session now, and ending the reconnect on it left a deleted
                    // session looking connected for good (DevicesIT, once in CI).
                    return;
                }
                end(ep);
                log.info("device {} is back after {} reconnect attempt(s)", d.id(), ep.schedule.attempts());
                events.publish(d, DeviceStatus.CONNECTED, providerStatus, null, null, null, ep.cause + ":back");
            } else if (known.status() == DeviceStatus.DISCONNECTED || known.status() == DeviceStatus.CONNECTING) {
                // An ERROR stays until a new connect: a check racing a logout must not paper over it.
                events.publish(d, DeviceStatus.CONNECTED, providerStatus, null, null, null, "check:" + known.at());
            }
            return;
        }
        boolean linkGone = api.meansLoggedOut(providerStatus) || mapped == DeviceStatus.ERROR;
        if (ep != null) {
            if (linkGone) {
                end(ep);
                loggedOut(d, providerStatus, ep.cause);
            } else {
                ep.lastStatus = providerStatus;
            }
            return;
        }
        if (known.status() != DeviceStatus.CONNECTED) {
            return;
        }
        if (linkGone) {
            loggedOut(d, providerStatus, "check:" + known.at());
            return;
        }
        events.publish(d, mapped, providerStatus, null, null, "session dropped", "drop:" + known.at());
        start(d, providerStatus);
    }

    /** A device's record on the devices topic changed ({@code now} null: deleted). */
    public void deviceChanged(String deviceId, Device now, Predicate<String> ownsEndpoint) {
        DeviceStatus before = now == null ? seenOnTopic.remove(deviceId) : seenOnTopic.put(deviceId, now.status());
        Episode ep = episodes.get(deviceId);
        if (now == null) {
            episodes.remove(deviceId);
            return;
        }
        if (ep != null) {
            ep.device = now;
            if (now.status() == DeviceStatus.CONNECTED || now.status() == DeviceStatus.ERROR
                    || now.status() == DeviceStatus.PAIRING) {
                // Back (a webhook said so), logged out (the processor's ERROR for 401/403), or being paired anew.
                end(ep);
            }
            return;
        }
        boolean dropped = before == DeviceStatus.CONNECTED
                && (now.status() == DeviceStatus.DISCONNECTED || now.status() == DeviceStatus.CONNECTING);
        if (dropped && ownsEndpoint.test(now.endpointId()) && !busy.test(deviceId)) {
            start(now, null);
        }
    }

    private void start(Device d, String providerStatus) {
        if (episodes.containsKey(d.id()) || parked(d)) {
            return;
        }
        Optional<TenantConfiguration> config = configurations.apply(d.tenantId());
        if (!config.map(TenantConfiguration::autoReconnect).orElse(true)) {
            log.info("device {} dropped; tenant {} has autoReconnect off", d.id(), d.tenantId());
            return;
        }
        int max = d.maxReconnectAttempts() > 0 ? d.maxReconnectAttempts() : settings.defaultMaxAttempts();
        Episode ep = new Episode(d, new ReconnectSchedule(firstDelay(config), max, clock), providerStatus,
                clock.instant());
        episodes.put(d.id(), ep);
        record(ep);
        log.info("device {} of tenant {} dropped ({}); reconnecting, at most {} attempts", d.id(), d.tenantId(),
                providerStatus == null ? "reported" : providerStatus, max);
    }

    /**
     * Endpoints moved to this instance: carries on the reconnects their devices were in, from the progress the
     * previous owner recorded. Progress of an episode that has ended meanwhile (the device is back, in error,
     * pairing anew or disconnected on purpose, or its tenant turned autoReconnect off) is cleared instead.
     *
     * @param all every device (the devices topic's view)
     */
    public void adopt(Collection<Device> all, Predicate<String> ownsEndpoint) {
        for (Device d : all) {
            if (episodes.containsKey(d.id()) || !ownsEndpoint.test(d.endpointId()) || busy.test(d.id())
                    || !store.has(d.id())) {
                continue;
            }
            SessionStore.Reconnect r = store.load(d).map(SessionStore.Data::reconnect).orElse(null);
            if (r == null) {
                continue;
            }
            DeviceEvents.Known known = events.lastKnown(d);
            Optional<TenantConfiguration> config = configurations.apply(d.tenantId());
            boolean over = known.at().isAfter(r.startedAt()) && (known.status() == DeviceStatus.CONNECTED
                    || known.status() == DeviceStatus.ERROR || known.status() == DeviceStatus.PAIRING);
            if (over || parked(d) || !config.map(TenantConfiguration::autoReconnect).orElse(true)) {
                store.reconnect(d, endpoints.apply(d.endpointId()).orElse(null), null);
                continue;
            }
            Episode ep = new Episode(d, ReconnectSchedule.resume(firstDelay(config), r.maxAttempts(), r.attempts(),
                    r.nextAt(), clock), r.lastStatus(), r.startedAt());
            episodes.put(d.id(), ep);
            log.info("device {} of tenant {}: carrying on its reconnect after {} of {} attempts, next step at {}",
                    d.id(), d.tenantId(), r.attempts(), r.maxAttempts(), r.nextAt());
        }
    }

    /** Keeps the episode's progress with the device's session data, for a new owner to carry on from. */
    private void record(Episode ep) {
        store.reconnect(ep.device, endpoints.apply(ep.endpointId).orElse(null), new SessionStore.Reconnect(
                ep.startedAt, ep.schedule.attempts(), ep.schedule.maxAttempts(), ep.schedule.nextAt(),
                ep.lastStatus));
    }

    /** The episode is over: forget it here and its recorded progress. */
    private void end(Episode ep) {
        episodes.remove(ep.deviceId, ep);
        store.reconnect(ep.device, endpoints.apply(ep.endpointId).orElse(null), null);
    }

    /** Makes the attempts that are due, gives up where the last one failed, drops what is no longer ours. */
    public void tick(Predicate<String> ownsEndpoint) {
        for (Episode ep : List.copyOf(episodes.values())) {
            Device d = devices.apply(ep.deviceId).orElse(null);
            if (d == null || !ownsEndpoint.test(ep.endpointId)) {
                // Deleted, or another instance's now: it carries on from the recorded progress.
                episodes.remove(ep.deviceId);
                continue;
            }
            ep.device = d;
            if (parked(d)) {
                end(ep);
                continue;
            }
            DeviceEvents.Known known = events.lastKnown(d);
            if (known.at().isAfter(ep.startedAt) && (known.status() == DeviceStatus.ERROR
                    || known.status() == DeviceStatus.PAIRING || known.status() == DeviceStatus.CONNECTED)) {
                end(ep);
                continue;
            }
            if (ep.calling) {
                continue;
            }
            // The attempt is dated before its progress is recorded, so the recorded backoff counts from it.
            Instant polledAt = clock.instant();
            ReconnectSchedule.Step step = ep.schedule.poll();
            if (step instanceof ReconnectSchedule.Step.Attempt a) {
                record(ep);
                attempt(ep, a, polledAt);
            } else if (step instanceof ReconnectSchedule.Step.GiveUp g) {
                meters.counter(RECONNECT_GIVE_UPS).increment();
                log.warn("device {} of tenant {}: gave up after {} reconnect attempts", d.id(), d.tenantId(),
                        g.attempts());
                events.publishAt(polledAt, d.tenantId(), d.endpointId(), d.id(), DeviceStatus.ERROR, ep.lastStatus,
                        null, null, "gave up after " + g.attempts() + " reconnect attempts", ep.cause + ":gave-up");
                end(ep);
            }
        }
    }

    /**
     * One attempt, on the calls executor: look at the session first (it may be back, or unlinked, since the last
     * check); only a session still down is reconnected, and only that counts as an attempt and is announced.
     */
    private void attempt(Episode ep, ReconnectSchedule.Step.Attempt a, Instant at) {
        Endpoint endpoint = endpoints.apply(ep.endpointId).orElse(null);
        Optional<SessionApi> api = endpoint == null ? Optional.empty() : apis.api(endpoint.provider());
        Device device = ep.device;
        String last = ep.lastStatus;
        String reason = "reconnect attempt " + a.n() + "/" + a.of();
        String cause = ep.cause + ":" + a.n();
        if (api.isEmpty()) {
            events.publishAt(at, device.tenantId(), device.endpointId(), device.id(), DeviceStatus.CONNECTING, last,
                    null, null, reason, cause);
            return;
        }
        ep.calling = true;
        try {
            calls.execute(() -> {
                Outcome outcome;
                String status = last;
                SessionCall call = null;
                try {
                    call = apis.call(endpoint);
                    SessionView now = api.get().status(call, false);
                    status = now.providerStatus();
                    if (now.status() == DeviceStatus.CONNECTED) {
                        outcome = Outcome.BACK;
                    } else if (api.get().meansLoggedOut(status) || now.status() == DeviceStatus.ERROR) {
                        outcome = Outcome.LOGGED_OUT;
                    } else {
                        outcome = Outcome.CALLED;
                    }
                } catch (ProviderCallException | IllegalStateException e) {
                    // Cannot look: try anyway, the attempt may still get through.
                    outcome = Outcome.CALLED;
                }
                if (outcome == Outcome.CALLED) {
                    events.publishAt(at, device.tenantId(), device.endpointId(), device.id(), DeviceStatus.CONNECTING,
                            status, null, null, reason, cause);
                    try {
                        api.get().reconnect(call != null ? call : apis.call(endpoint), status);
                    } catch (ProviderCallException | IllegalStateException e) {
                        log.info("{} of device {} failed: {}", reason, device.id(), e.getMessage());
                        outcome = Outcome.FAILED;
                    }
                }
                Outcome o = outcome;
                String s = status;
                try {
                    home.execute(() -> attempted(ep, o, s));
                } catch (RejectedExecutionException closing) {
                    // the monitor is stopping
                }
            });
        } catch (RejectedExecutionException closing) {
            ep.calling = false;
        }
    }

    private void attempted(Episode ep, Outcome outcome, String providerStatus) {
        ep.calling = false;
        if (outcome == Outcome.CALLED || outcome == Outcome.FAILED) {
            meters.counter(RECONNECT_ATTEMPTS, "result", outcome == Outcome.CALLED ? "requested" : "failed")
                    .increment();
        }
        if (episodes.get(ep.deviceId) != ep) {
            return;
        }
        if (providerStatus != null) {
            ep.lastStatus = providerStatus;
        }
        if (outcome == Outcome.BACK) {
            end(ep);
            events.publish(ep.device, DeviceStatus.CONNECTED, providerStatus, null, null, null, ep.cause + ":back");
        } else if (outcome == Outcome.LOGGED_OUT) {
            end(ep);
            loggedOut(ep.device, providerStatus, ep.cause);
        }
    }

    private void loggedOut(Device d, String providerStatus, String cause) {
        if (events.lastKnown(d).status() == DeviceStatus.ERROR) {
            return;
        }
        log.info("device {} of tenant {} needs a new QR scan ({})", d.id(), d.tenantId(), providerStatus);
        events.publish(d, DeviceStatus.ERROR, providerStatus, null, null,
                "FAILED".equals(providerStatus) ? FAILED : LOGGED_OUT, cause + ":logged-out");
    }

    private boolean parked(Device d) {
        return lastCommands.apply(d.id()).map(c -> c.action() == DeviceCommand.Action.DISCONNECT).orElse(false);
    }

    private Duration firstDelay(Optional<TenantConfiguration> config) {
        if (settings.intervalOverride() != null) {
            return settings.intervalOverride();
        }
        return config.map(TenantConfiguration::reconnectInterval).filter(s -> s > 0).map(s -> Duration.ofSeconds(s))
                .orElse(settings.defaultInterval());
    }
}
