package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.ingress.apikey.ApiKeyDirectory;
import com.booqing.whatsapp.ingress.endpoint.EndpointDirectory;
import com.booqing.whatsapp.ingress.http.Caller;
import com.booqing.whatsapp.ingress.http.TooManyRequestsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live stream's state and its watchers. The feed hands it every health and device record (so it knows each
 * tenant's current state) and the events of watched tenants; it turns changes into SSE frames and offers them to
 * the tenant's open streams. A new stream starts with the tenant's current state (a snapshot), then gets every
 * change after it, in order, with nothing missed in between: both happen under the tenant's lock.
 *
 * <p>Frame ids are {@code <epoch>-<sequence>}, the epoch being this instance's. While a tenant is watched (and for
 * {@link #RESUME_GRACE} after its last stream ended) its latest {@link #REPLAY_FRAMES} frames are kept, so that a
 * browser reconnecting with {@code Last-Event-ID} gets exactly what it missed; otherwise it gets a new snapshot.
 */
public final class StreamHub implements LiveSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamHub.class);
    static final int REPLAY_FRAMES = 256;
    static final Duration RESUME_GRACE = Duration.ofMinutes(2);
    static final int RECENT_FAILOVERS = 10;
    /** A stream registered this long ago whose request never took it over is ended by the heartbeat. */
    static final Duration NEVER_STARTED = Duration.ofSeconds(30);
    /** What browsers wait before reconnecting a dropped stream. */
    static final long RETRY_MILLIS = 3_000;

    private final StreamConfig config;
    private final LiveEvents events;
    private final EndpointDirectory endpoints;
    private final ApiKeyDirectory keys;
    private final Executor completions;
    private final Clock clock;
    private final Duration healthFreshness;
    private final String epoch;
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentMap<String, Channel> channels = new ConcurrentHashMap<>();
    /** Which tenant each device is on, to place a deletion (a tombstone carries no tenant). */
    private final ConcurrentMap<String, String> deviceTenants = new ConcurrentHashMap<>();
    private final AtomicInteger clients = new AtomicInteger();
    private final ScheduledExecutorService timer;
    private final Map<StreamSession.End, Counter> ended = new EnumMap<>(StreamSession.End.class);
    private final Counter framesSent;

    /**
     * @param completions where streams are ended (the HTTP server's pool): never the feed's thread
     * @param healthFreshness a check older than this says "unknown" in a snapshot, as the health route does
     */
    public StreamHub(StreamConfig config, ObjectMapper json, EndpointDirectory endpoints, ApiKeyDirectory keys,
                     Executor completions, Clock clock, Duration healthFreshness, MeterRegistry metrics) {
        this.config = config;
        this.events = new LiveEvents(json);
        this.endpoints = endpoints;
        this.keys = keys;
        this.completions = completions;
        this.clock = clock;
        this.healthFreshness = healthFreshness;
        this.epoch = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stream-heartbeat");
            t.setDaemon(true);
            return t;
        });
        Gauge.builder("whatsapp.ingress.stream.clients", clients, AtomicInteger::get)
                .description("open live streams").register(metrics);
        for (StreamSession.End why : StreamSession.End.values()) {
            ended.put(why, Counter.builder("whatsapp.ingress.stream.ended")
                    .tag("reason", why.name().toLowerCase(java.util.Locale.ROOT))
                    .description("live streams ended, by reason").register(metrics));
        }
        framesSent = Counter.builder("whatsapp.ingress.stream.frames")
                .description("events published to live streams").register(metrics);
    }

    public void start() {
        long every = config.heartbeat().toMillis();
        timer.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Open streams of this instance. */
    public int clients() {
        return clients.get();
    }

    // --- what the feed hands over ---

    @Override
    public void health(EndpointHealth health, boolean live) {
        if (!Ids.isValidTenantId(health.tenantId())) {
            return;
        }
        Channel ch = channel(health.tenantId());
        synchronized (ch) {
            ch.health.put(health.endpointId(), health);
            if (live && ch.wantsFrames(nanoNow())) {
                // Only endpoints the ingress knows as the tenant's: health names its tenant, the endpoint proves it.
                Endpoint endpoint = endpoints.find(health.endpointId())
                        .filter(e -> e.tenantId().equals(health.tenantId())).orElse(null);
                if (endpoint != null) {
                    publish(ch, LiveEvents.ENDPOINT_HEALTH,
                            events.endpointHealth(health.endpointId(), endpoint, health, false));
                }
            } else if (live) {
                ch.skip();
            }
        }
    }

    @Override
    public void device(String deviceId, Device device, boolean live) {
        if (device == null) {
            String tenantId = deviceTenants.remove(deviceId);
            Channel ch = tenantId == null ? null : channels.get(tenantId);
            if (ch != null) {
                synchronized (ch) {
                    DeviceView gone = ch.devices.remove(deviceId);
                    if (live && gone != null) {
                        publish(ch, LiveEvents.DEVICE_STATUS, events.deviceDeleted(deviceId, gone.endpointId()));
                    }
                }
            }
            return;
        }
        if (!Ids.isValidTenantId(device.tenantId()) || !deviceId.equals(device.id())) {
            return;
        }
        String before = deviceTenants.put(deviceId, device.tenantId());
        if (before != null && !before.equals(device.tenantId())) {
            Channel old = channels.get(before); // devices never move; a record that says so is not shown to both
            if (old != null) {
                synchronized (old) {
                    old.devices.remove(deviceId);
                }
            }
        }
        Channel ch = channel(device.tenantId());
        synchronized (ch) {
            DeviceView was = ch.devices.get(deviceId);
            DeviceView now = was == null ? DeviceView.of(device) : was.with(device);
            ch.devices.put(deviceId, now);
            if (live) {
                announce(ch, was, now);
            }
        }
    }

    @Override
    public void event(Envelope envelope) {
        String tenantId = envelope.tenantId();
        if (!Ids.isValidTenantId(tenantId)) {
            return;
        }
        if (envelope.payload() instanceof DeviceEvent e) {
            if (!tenantId.equals(e.tenantId()) || e.deviceId() == null || e.status() == null) {
                return;
            }
            String known = deviceTenants.get(e.deviceId());
            if (known != null && !known.equals(tenantId)) {
                return;
            }
            Channel ch = channel(tenantId);
            synchronized (ch) {
                DeviceView was = ch.devices.get(e.deviceId());
                DeviceView now = was == null ? DeviceView.of(e) : was.with(e);
                ch.devices.put(e.deviceId(), now);
                announce(ch, was, now);
            }
            return;
        }
        Failover.of(envelope).ifPresent(f -> {
            Channel ch = channel(tenantId);
            synchronized (ch) {
                if (!ch.remember(f)) {
                    return;
                }
                if (ch.wantsFrames(nanoNow())) {
                    publish(ch, LiveEvents.FAILOVER, events.failover(f));
                } else {
                    ch.skip();
                }
            }
        });
    }

    @Override
    public boolean watches(String tenantId) {
        Channel ch = channels.get(tenantId);
        if (ch == null) {
            return false;
        }
        synchronized (ch) {
            return ch.wantsFrames(nanoNow());
        }
    }

    /** Caller holds the channel's lock. */
    private void announce(Channel ch, DeviceView was, DeviceView now) {
        if (!ch.wantsFrames(nanoNow())) {
            ch.skip();
            return;
        }
        if (now.statusDiffers(was)) {
            publish(ch, LiveEvents.DEVICE_STATUS, events.deviceStatus(now));
        }
        if (now.hasCode() && now.codeDiffers(was)) {
            publish(ch, LiveEvents.DEVICE_QR, events.deviceCode(now));
        }
    }

    /** Numbers the frame, keeps it for resuming and offers it to the tenant's streams. Caller holds the lock. */
    private void publish(Channel ch, String event, String data) {
        long seq = sequence.incrementAndGet();
        byte[] frame = LiveEvents.frame(id(seq), event, data);
        ch.keep(seq, frame);
        for (StreamSession s : List.copyOf(ch.sessions)) {
            s.offer(frame); // a stream that cannot take it ends itself and leaves through end()
        }
        framesSent.increment();
    }

    // --- streams ---

    /**
     * Opens a stream for the tenant: registers it and queues either what it missed since {@code lastEventId} or
     * the tenant's current state (with {@code history}, recent failovers read from the projection). Refused with
     * 429 beyond the limits.
     */
    StreamSession open(String tenantId, Caller caller, String lastEventId, List<Failover> history) {
        if (clients.incrementAndGet() > config.maxClients()) {
            clients.decrementAndGet();
            throw new TooManyRequestsException("too_many_streams", "too many open streams; retry later", 5);
        }
        Channel ch = channel(tenantId);
        synchronized (ch) {
            if (ch.sessions.size() >= config.maxClientsPerTenant()) {
                clients.decrementAndGet();
                throw new TooManyRequestsException("too_many_streams",
                        "too many open streams for this tenant; retry later", 5);
            }
            StreamSession session = new StreamSession(tenantId, caller, config.clientBufferBytes(), completions);
            session.onEnd(why -> closed(ch, session, why));
            session.offer(LiveEvents.preamble(RETRY_MILLIS));
            if (!resume(ch, session, lastEventId)) {
                snapshot(ch, session, history);
            }
            ch.sessions.add(session);
            return session;
        }
    }

    /** True when the frames after {@code lastEventId} are all still kept; they are then queued. */
    private boolean resume(Channel ch, StreamSession session, String lastEventId) {
        long last = sequenceOf(lastEventId);
        if (last < 0 || last < ch.evictedUpTo || last > sequence.get()) {
            return false;
        }
        // No id on this frame: a client cut off right after it still resumes from what it really has.
        session.offer(LiveEvents.frame(null, LiveEvents.OPEN, events.open(ch.tenantId, true, clock.instant())));
        for (Frame f : ch.recent) {
            if (f.seq() > last) {
                session.offer(f.bytes());
            }
        }
        return true;
    }

    /** The tenant's state now; only its last frame carries the id to resume from. */
    private void snapshot(Channel ch, StreamSession session, List<Failover> history) {
        List<String[]> frames = new ArrayList<>();
        frames.add(new String[]{LiveEvents.OPEN, events.open(ch.tenantId, false, clock.instant())});
        Instant now = clock.instant();
        List<Endpoint> own = new ArrayList<>(endpoints.forTenant(ch.tenantId));
        own.sort(Comparator.comparing((Endpoint e) -> !e.isPrimary()).thenComparing(e -> Objects.toString(e.name(), ""))
                .thenComparing(Endpoint::id));
        for (Endpoint e : own) {
            EndpointHealth h = ch.health.get(e.id());
            boolean stale = h != null && (h.checkedAt() == null
                    || Duration.between(h.checkedAt(), now).compareTo(healthFreshness) > 0);
            frames.add(new String[]{LiveEvents.ENDPOINT_HEALTH, events.endpointHealth(e.id(), e, h, stale)});
        }
        for (DeviceView d : ch.devices.values()) {
            frames.add(new String[]{LiveEvents.DEVICE_STATUS, events.deviceStatus(d)});
            if (d.hasCode()) {
                frames.add(new String[]{LiveEvents.DEVICE_QR, events.deviceCode(d)});
            }
        }
        for (Failover f : recentFailovers(ch, history)) {
            frames.add(new String[]{LiveEvents.FAILOVER, events.failover(f)});
        }
        long at = sequence.get(); // every later frame of this tenant is numbered after it, under this lock
        ch.evictedUpTo = Math.min(ch.evictedUpTo, at); // and kept from now on: this client can resume from here
        String id = id(at);
        for (int i = 0; i < frames.size(); i++) {
            String[] f = frames.get(i);
            session.offer(LiveEvents.frame(i == frames.size() - 1 ? id : null, f[0], f[1]));
        }
    }

    private static List<Failover> recentFailovers(Channel ch, List<Failover> history) {
        Map<String, Failover> byId = new LinkedHashMap<>();
        history.forEach(f -> byId.put(f.eventId(), f));
        ch.failovers.forEach(f -> byId.put(f.eventId(), f));
        List<Failover> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing(Failover::occurredAt, Comparator.nullsFirst(Comparator.naturalOrder())));
        return all.subList(Math.max(0, all.size() - RECENT_FAILOVERS), all.size());
    }

    private void closed(Channel ch, StreamSession session, StreamSession.End why) {
        synchronized (ch) {
            if (!ch.sessions.remove(session)) {
                return;
            }
            if (ch.sessions.isEmpty()) {
                ch.idleSince = nanoNow();
            }
        }
        clients.decrementAndGet();
        ended.get(why).increment();
        if (why == StreamSession.End.TOO_SLOW) {
            log.info("live stream of tenant {} dropped: the client reads too slowly", session.tenantId());
        }
    }

    /** Keeps idle connections open, finds dead ones, ends streams of revoked keys, forgets idle replay buffers. */
    private void heartbeat() {
        try {
            long now = nanoNow();
            for (Channel ch : channels.values()) {
                List<StreamSession> sessions;
                synchronized (ch) {
                    ch.forgetIfIdle(now);
                    sessions = List.copyOf(ch.sessions);
                }
                for (StreamSession s : sessions) {
                    s.endIfNeverStarted(NEVER_STARTED);
                    if (revoked(s.caller())) {
                        s.end(StreamSession.End.KEY_REVOKED);
                    } else {
                        s.offer(LiveEvents.HEARTBEAT);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("live stream heartbeat failed: {}", e.toString());
        }
    }

    private boolean revoked(Caller caller) {
        if (caller.keyId() == null || !keys.isReady()) {
            return false;
        }
        return keys.find(caller.keyId()).map(k -> k.revoked() || !k.tenantId().equals(caller.tenantId()))
                .orElse(true);
    }

    private Channel channel(String tenantId) {
        return channels.computeIfAbsent(tenantId, t -> new Channel(t, sequence.get()));
    }

    private String id(long seq) {
        return epoch + "-" + seq;
    }

    /** True when {@code lastEventId} is one of this instance's: the stream may resume rather than start over. */
    boolean mayResume(String lastEventId) {
        return sequenceOf(lastEventId) >= 0;
    }

    /** The sequence of one of this instance's ids, or -1. */
    long sequenceOf(String lastEventId) {
        if (lastEventId == null || lastEventId.length() > 64 || !lastEventId.startsWith(epoch + "-")) {
            return -1;
        }
        try {
            return Long.parseLong(lastEventId.substring(epoch.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long nanoNow() {
        return System.nanoTime();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (Channel ch : channels.values()) {
            List<StreamSession> sessions;
            synchronized (ch) {
                sessions = List.copyOf(ch.sessions);
            }
            sessions.forEach(s -> s.end(StreamSession.End.SHUTDOWN));
        }
    }

    private record Frame(long seq, byte[] bytes) {
    }

    /** One tenant: its current state, its open streams and the frames kept for resuming. Guarded by itself. */
    private static final class Channel {
        final String tenantId;
        final Map<String, EndpointHealth> health = new HashMap<>();
        final Map<String, DeviceView> devices = new LinkedHashMap<>();
        final ArrayDeque<Failover> failovers = new ArrayDeque<>();
        final ArrayDeque<Frame> recent = new ArrayDeque<>();
        final List<StreamSession> sessions = new ArrayList<>();
        /** A client whose last id is below this cannot resume: something after it is no longer kept. */
        long evictedUpTo;
        /** When the last stream ended (0: never, or forgotten). */
        long idleSince;

        Channel(String tenantId, long createdAt) {
            this.tenantId = tenantId;
            this.evictedUpTo = createdAt;
        }

        /** Frames are made while someone watches, or may come back to resume. */
        boolean wantsFrames(long now) {
            return !sessions.isEmpty() || (idleSince != 0 && now - idleSince < RESUME_GRACE.toNanos());
        }

        void keep(long seq, byte[] frame) {
            recent.add(new Frame(seq, frame));
            while (recent.size() > REPLAY_FRAMES) {
                evictedUpTo = recent.poll().seq();
            }
        }

        /** A change nobody watches: no frame, but a client that was away cannot resume across it. */
        void skip() {
            recent.clear();
            evictedUpTo = Long.MAX_VALUE;
        }

        void forgetIfIdle(long now) {
            if (sessions.isEmpty() && idleSince != 0 && now - idleSince >= RESUME_GRACE.toNanos()) {
                recent.clear();
                evictedUpTo = Long.MAX_VALUE;
                idleSince = 0;
            }
        }

        /** False when the failover was seen already (the monitor's event ids are stable). */
        boolean remember(Failover f) {
            for (Failover known : failovers) {
                if (known.eventId().equals(f.eventId())) {
                    return false;
                }
            }
            failovers.add(f);
            while (failovers.size() > RECENT_FAILOVERS) {
                failovers.poll();
            }
            return true;
        }
    }
}
