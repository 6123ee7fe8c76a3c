package com.booqing.whatsapp.health.device;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceCommand;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.health.Publisher;
import com.booqing.whatsapp.health.provider.ProviderCallException;
import com.booqing.whatsapp.health.provider.SessionApi;
import com.booqing.whatsapp.health.provider.SessionCall;
import com.booqing.whatsapp.health.provider.SessionView;
import com.booqing.whatsapp.health.Ownership;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The device manager: the one service that makes session calls to the providers (start a session, fetch a QR
 * code, request a pairing code, log out). It consumes the device-commands topic in the consumer group
 * {@link Settings#group()}, one command at a time, committing each once its events are acknowledged; the group
 * spreads devices over instances. After a CONNECT it keeps following the device while it pairs
 * ({@link PairingWatch}), publishing each new QR code.
 *
 * <p>A pairing follows its device's partition of the commands topic: when the group moves a partition away, this
 * instance stops following its devices; when it is given one (at start, or taking over from an instance that left
 * or died), it starts following every device of that partition whose session data says a pairing is in progress
 * ({@link SessionStore.Pairing}), from the pairing's own start and with the QR code last published, so the QR codes
 * keep coming and the pairing timeout is not restarted.
 */
public final class DeviceManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeviceManager.class);
    private static final Duration DEVICE_LOOKUP_WAIT = Duration.ofSeconds(5);
    private static final Duration LOOKUP_STEP = Duration.ofMillis(50);
    static final String CLOUD_API_HAS_NO_DEVICES = "cloud-api endpoints have no devices to pair";

    /**
     * @param qrWait         how long CONNECT waits for the provider's first QR code before answering what it has
     * @param qrPoll         how often a pairing device is polled for a new QR code (and the first one awaited)
     * @param pairingTimeout how long a device may stay pairing before the watch gives up
     * @param commandMaxAge  commands older than this when read (a backlog after an outage) are skipped
     * @param group          the consumer group of the device commands
     * @param sessionTimeout how soon the group hands a dead instance's devices to the others
     */
    public record Settings(Duration qrWait, Duration qrPoll, Duration pairingTimeout, Duration commandMaxAge,
                           String group, Duration sessionTimeout) {
    }

    private final String bootstrapServers;
    private final Topic<String, DeviceCommand> commands;
    private final Settings settings;
    private final CompactedTopicView<Device> devices;
    private final CompactedTopicView<Endpoint> endpoints;
    private final SessionApis apis;
    private final DeviceEvents events;
    private final SessionStore store;
    private final Publisher publisher;
    private final Clock clock;
    private final String clientId;
    private final JsonSerde<DeviceCommand> serde = JsonSerde.of(DeviceCommand.class);
    private final Map<String, PairingWatch> watches = new ConcurrentHashMap<>();
    private final Set<String> handling = ConcurrentHashMap.newKeySet();
    private final Set<Integer> partitions = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watchThreads;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public DeviceManager(String bootstrapServers, Topic<String, DeviceCommand> commands, Settings settings,
                         CompactedTopicView<Device> devices, CompactedTopicView<Endpoint> endpoints, SessionApis apis,
                         DeviceEvents events, SessionStore store, Publisher publisher, Clock clock, String clientId) {
        this.bootstrapServers = bootstrapServers;
        this.commands = commands;
        this.settings = settings;
        this.devices = devices;
        this.endpoints = endpoints;
        this.apis = apis;
        this.events = events;
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
        this.clientId = clientId;
        AtomicInteger n = new AtomicInteger();
        this.watchThreads = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "device-pairing-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public DeviceManager start() {
        thread = new Thread(this::run, "device-commands");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** True while this instance follows the device's pairing. */
    public boolean following(String deviceId) {
        return watches.containsKey(deviceId);
    }

    /** How many partitions of the commands topic the group gave this instance. */
    public int ownedPartitions() {
        return partitions.size();
    }

    /** True while this instance carries out a command for the device or follows its pairing. */
    public boolean busy(String deviceId) {
        return handling.contains(deviceId) || watches.containsKey(deviceId);
    }

    private void run() {
        Map<String, Object> c = KafkaClients.committedReader(bootstrapServers, settings.group(), clientId);
        // Each command may wait for a QR code; one per poll keeps well inside max.poll.interval.ms.
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                (int) Math.min(1_000, settings.sessionTimeout().toMillis() / 3));
        try (KafkaConsumer<byte[], byte[]> kc = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = kc;
            kc.subscribe(List.of(commands.name()), new Handover(kc));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : kc.poll(Duration.ofMillis(200))) {
                    handle(r);
                    publisher.flush();
                    kc.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()),
                            new OffsetAndMetadata(r.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("device command consumer stopped: {}", e.toString(), e);
        } finally {
            partitions.clear();
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        Decoded<DeviceCommand> d = serde.decode(r.value());
        if (!(d instanceof Decoded.Ok<DeviceCommand> ok)) {
            log.warn("skipping unreadable device command at {}-{}: {}", r.partition(), r.offset(),
                    ((Decoded.Bad<DeviceCommand>) d).reason());
            return;
        }
        DeviceCommand command = ok.value();
        Instant now = clock.instant();
        if (command.requestedAt() != null && command.requestedAt().plus(settings.commandMaxAge()).isBefore(now)) {
            log.warn("skipping {} of device {} requested at {}: older than {}", command.action().wireName(),
                    command.deviceId(), command.requestedAt(), settings.commandMaxAge());
            return;
        }
        handling.add(command.deviceId());
        try {
            carryOut(command);
        } catch (RuntimeException e) {
            // A bug must not stop the consumer; the command is logged and passed.
            log.error("device command {} failed: {}", command.commandId(), e.toString(), e);
        } finally {
            handling.remove(command.deviceId());
        }
    }

    private void carryOut(DeviceCommand command) {
        Optional<Device> found = awaitDevice(command.deviceId());
        if (found.isEmpty() || !found.get().tenantId().equals(command.tenantId())) {
            log.warn("{} for unknown device {} of tenant {}: skipped", command.action().wireName(), command.deviceId(),
                    command.tenantId());
            return;
        }
        Device device = found.get();
        String cause = "command:" + command.commandId();
        Endpoint endpoint = endpoints.get(device.endpointId()).orElse(null);
        if (endpoint == null || !endpoint.tenantId().equals(device.tenantId())) {
            error(device, "endpoint " + device.endpointId() + " not found", cause);
            return;
        }
        if (endpoint.provider() == ProviderType.CLOUD_API) {
            error(device, CLOUD_API_HAS_NO_DEVICES, cause);
            return;
        }
        if (!endpoint.isActive()) {
            error(device, "endpoint " + endpoint.id() + " is inactive", cause);
            return;
        }
        Optional<SessionApi> api = apis.api(endpoint.provider());
        if (api.isEmpty()) {
            error(device, "no session support for " + endpoint.provider().wireName(), cause);
            return;
        }
        SessionCall call;
        try {
            call = apis.call(endpoint);
        } catch (IllegalStateException e) {
            error(device, e.getMessage(), cause);
            return;
        }
        if (command.action() != DeviceCommand.Action.REFRESH_STATUS) {
            stopWatching(device.id());
        }
        try {
            switch (command.action()) {
                case CONNECT -> connect(command, device, endpoint, api.get(), call, cause);
                case DISCONNECT -> {
                    SessionView v = api.get().disconnect(call);
                    events.publish(device, DeviceStatus.DISCONNECTED, v.providerStatus(), null, null, null, cause);
                    store.save(device, endpoint, v, true);
                }
                case REFRESH_STATUS -> {
                    SessionView v = api.get().status(call, true);
                    events.publish(device, v.status(), v.providerStatus(), v.qrCode(), null, v.reason(), cause);
                }
            }
        } catch (ProviderCallException e) {
            error(device, command.action().wireName() + " failed: " + e.getMessage(), cause);
        }
    }

    private void connect(DeviceCommand command, Device device, Endpoint endpoint, SessionApi api, SessionCall call,
                         String cause) {
        String phone = null;
        if (command.phoneNumber() != null && !command.phoneNumber().isBlank()) {
            phone = command.phoneNumber().replaceAll("[\\s+()-]", "");
            if (!phone.matches("\\d{6,20}")) {
                error(device, "phoneNumber must be 6-20 digits (an optional + and spaces allowed)", cause);
                return;
            }
        }
        SessionView v = api.connect(call, phone, settings.qrWait(), pollStep());
        boolean pairing = v.status() == DeviceStatus.PAIRING || v.status() == DeviceStatus.CONNECTING;
        Instant since = clock.instant();
        // Recorded before the command is committed, so whoever owns the device next can carry the pairing on.
        store.save(device, endpoint, v, false, pairing ? new SessionStore.Pairing(cause, since) : null);
        events.publish(device, v.status(), v.providerStatus(), v.qrCode(), v.pairingCode(), v.reason(), cause);
        if (pairing) {
            watch(new PairingWatch(device, endpoint, api, call, events, store, cause, v.qrCode(), v.pairingCode(),
                    since, settings.pairingTimeout(), clock));
        }
    }

    /**
     * Starts following the pairings in progress of the devices in {@code partitions} (of {@code count}) that nobody
     * here follows yet. A pairing whose device has since connected, disconnected or failed is marked ended instead.
     */
    private void resumePairings(Set<Integer> partitions, int count) {
        for (Device device : devices.values()) {
            if (!partitions.contains(Ownership.partitionOf(device.id(), count)) || busy(device.id())
                    || !store.has(device.id())) {
                continue;
            }
            SessionStore.Pairing p = store.load(device).map(SessionStore.Data::pairing).orElse(null);
            if (p == null) {
                continue;
            }
            boolean ended = device.updatedAt() != null && device.updatedAt().isAfter(p.since())
                    && (device.status() == DeviceStatus.CONNECTED || device.status() == DeviceStatus.DISCONNECTED
                    || device.status() == DeviceStatus.ERROR);
            Endpoint endpoint = endpoints.get(device.endpointId()).orElse(null);
            Optional<SessionApi> api = endpoint == null ? Optional.empty() : apis.api(endpoint.provider());
            if (ended || api.isEmpty() || !endpoint.tenantId().equals(device.tenantId())) {
                store.pairingEnded(device);
                continue;
            }
            SessionCall call;
            try {
                call = apis.call(endpoint);
            } catch (IllegalStateException e) {
                log.warn("cannot resume the pairing of device {}: {}", device.id(), e.getMessage());
                continue;
            }
            log.info("device {} of tenant {}: following its pairing (begun {}) from here", device.id(),
                    device.tenantId(), p.since());
            watch(new PairingWatch(device, endpoint, api.get(), call, events, store, p.cause(), device.qrCode(),
                    device.pairingCode(), p.since(), settings.pairingTimeout(), clock));
        }
    }

    /** Stops following the pairings of devices in {@code partitions}: their new owner carries them on. */
    private void releasePairings(Set<Integer> partitions, int count) {
        for (String deviceId : List.copyOf(watches.keySet())) {
            if (partitions.contains(Ownership.partitionOf(deviceId, count))) {
                stopWatching(deviceId);
            }
        }
    }

    /** Pairings move with the command partitions of their devices. */
    private final class Handover implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> kc;

        Handover(KafkaConsumer<byte[], byte[]> kc) {
            this.kc = kc;
        }

        private int count() {
            return kc.partitionsFor(commands.name()).size();
        }

        private static Set<Integer> numbers(Collection<TopicPartition> parts) {
            Set<Integer> n = new HashSet<>();
            parts.forEach(tp -> n.add(tp.partition()));
            return n;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            partitions.removeAll(numbers(revoked));
            if (!revoked.isEmpty()) {
                releasePairings(numbers(revoked), count());
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            partitions.addAll(numbers(assigned));
            if (!assigned.isEmpty()) {
                try {
                    resumePairings(numbers(assigned), count());
                } catch (RuntimeException e) {
                    // A bug here must not stop the consumer: the pairings stay unfollowed, and say so.
                    log.error("could not resume pairings: {}", e.toString(), e);
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            onPartitionsRevoked(lost);
        }
    }

    private void watch(PairingWatch w) {
        PairingWatch before = watches.put(w.deviceId(), w);
        if (before != null) {
            before.cancel();
        }
        schedule(w);
    }

    private void schedule(PairingWatch w) {
        try {
            watchThreads.schedule(() -> {
                PairingWatch.Next next;
                try {
                    next = w.step();
                } catch (RuntimeException e) {
                    log.error("pairing watch of device {} failed: {}", w.deviceId(), e.toString(), e);
                    next = PairingWatch.Next.DONE;
                }
                if (next == PairingWatch.Next.AGAIN && !w.cancelled()) {
                    schedule(w);
                } else {
                    watches.remove(w.deviceId(), w);
                }
            }, settings.qrPoll().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            watches.remove(w.deviceId(), w);
        }
    }

    private void stopWatching(String deviceId) {
        PairingWatch w = watches.remove(deviceId);
        if (w != null) {
            w.cancel();
        }
    }

    /** Waiting for the first QR code polls more often than the refresh watch, but not in a busy loop. */
    private Duration pollStep() {
        Duration half = Duration.ofMillis(500);
        return settings.qrPoll().compareTo(half) < 0 ? settings.qrPoll() : half;
    }

    private void error(Device device, String reason, String cause) {
        log.info("device {} of tenant {}: {}", device.id(), device.tenantId(), reason);
        events.publish(device, DeviceStatus.ERROR, null, null, null, reason, cause);
    }

    /** A command may overtake the device it is about (created a moment ago): wait for the view a little. */
    private Optional<Device> awaitDevice(String deviceId) {
        long deadline = System.nanoTime() + DEVICE_LOOKUP_WAIT.toNanos();
        Optional<Device> d = devices.get(deviceId);
        while (d.isEmpty() && running && System.nanoTime() < deadline && SessionApi.pause(LOOKUP_STEP)) {
            d = devices.get(deviceId);
        }
        return d;
    }

    @Override
    public void close() {
        // Stop following pairings before leaving the group, so the instance taking them over is the only one.
        watches.values().forEach(PairingWatch::cancel);
        watchThreads.shutdownNow();
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
