package com.booqing.whatsapp.health.device;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.health.Publisher;
import com.booqing.whatsapp.health.provider.SessionView;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A device's session data on the compacted sessions topic, sealed with the tenant and device as associated data.
 * WAHA and Evolution keep the WhatsApp session on their side; what the gateway keeps is what it needs to find and
 * resume it: the provider session or instance, Evolution's instance token, and the linked account once known.
 *
 * <p>It also holds what the monitor is doing with the device, so that whichever instance owns the device next can
 * carry on after a rebalance or a crash: a pairing being followed ({@link Pairing}: the CONNECT command and when it
 * began) and a reconnect in progress ({@link Reconnect}: attempts made, the next one's time). Each is cleared when
 * it ends. Writes are serialised here: the device manager, its pairing watches and keep-alive all write.
 */
public final class SessionStore {
    private static final Logger log = LoggerFactory.getLogger(SessionStore.class);

    /**
     * A pairing the device manager follows (QR codes refreshed until linked, refused or timed out).
     *
     * @param cause the CONNECT command's cause ({@code command:<id>}), which the pairing's final event ids use
     * @param since when the CONNECT was carried out; the pairing timeout runs from here
     */
    public record Pairing(String cause, Instant since) {
    }

    /**
     * A reconnect episode in progress ({@link KeepAlive}).
     *
     * @param startedAt   when the drop was seen; names the episode in its event ids
     * @param attempts    attempts made so far
     * @param maxAttempts attempts allowed
     * @param nextAt      when the next step (an attempt, or giving up) is due
     * @param lastStatus  the provider's last word for the session
     */
    public record Reconnect(Instant startedAt, int attempts, int maxAttempts, Instant nextAt, String lastStatus) {
    }

    /** What is sealed. Never logged: {@link #toString()} hides the token. */
    public record Data(String provider, String endpointId, String session, String instanceToken, String meId,
                       String mePushName, Instant updatedAt, Pairing pairing, Reconnect reconnect) {
        @Override
        public String toString() {
            return "SessionStore.Data[provider=" + provider + ", endpointId=" + endpointId + ", session=" + session
                    + ", instanceToken=" + (instanceToken == null ? "none" : "***") + ", me=***, pairing=" + pairing
                    + ", reconnect=" + reconnect + "]";
        }

        boolean sameAs(Data o) {
            return Objects.equals(provider, o.provider) && Objects.equals(endpointId, o.endpointId)
                    && Objects.equals(session, o.session) && Objects.equals(instanceToken, o.instanceToken)
                    && Objects.equals(meId, o.meId) && Objects.equals(mePushName, o.mePushName)
                    && Objects.equals(pairing, o.pairing) && Objects.equals(reconnect, o.reconnect);
        }

        Data with(Pairing p, Reconnect r, Instant at) {
            return new Data(provider, endpointId, session, instanceToken, meId, mePushName, at, p, r);
        }
    }

    private final SecretBox secrets;
    private final Publisher publisher;
    private final CompactedTopicView<DeviceSession> view;
    private final Clock clock;
    private final ObjectMapper json = Json.lenient();
    private final Map<String, Data> saved = new ConcurrentHashMap<>();

    public SessionStore(SecretBox secrets, Publisher publisher, CompactedTopicView<DeviceSession> view, Clock clock) {
        this.secrets = secrets;
        this.publisher = publisher;
        this.view = view;
        this.clock = clock;
    }

    /**
     * Records what {@code seen} says of the session, keeping the token and account already known and a reconnect in
     * progress; a pairing being followed ends (see {@link #save(Device, Endpoint, SessionView, boolean, Pairing)}).
     */
    public void save(Device device, Endpoint endpoint, SessionView seen, boolean loggedOut) {
        save(device, endpoint, seen, loggedOut, null);
    }

    /** As {@link #save(Device, Endpoint, SessionView, boolean)}, recording that the device now pairs. */
    public synchronized void save(Device device, Endpoint endpoint, SessionView seen, boolean loggedOut,
                                  Pairing pairing) {
        Data before = load(device).orElse(null);
        String token = seen.instanceToken() != null ? seen.instanceToken() : before == null ? null
                : before.instanceToken();
        String meId = loggedOut ? null : seen.me() != null ? seen.me().id() : before == null ? null : before.meId();
        String meName = loggedOut ? null : seen.me() != null ? seen.me().pushName() : before == null ? null
                : before.mePushName();
        String session = endpoint.sessionName() != null ? endpoint.sessionName() : endpoint.instanceName();
        Data data = new Data(endpoint.provider().wireName(), endpoint.id(), session, token, meId, meName,
                clock.instant(), pairing, before == null ? null : before.reconnect());
        write(device, before, data);
    }

    /** The pairing being followed has ended (linked, refused, timed out): a new owner must not resume it. */
    public synchronized void pairingEnded(Device device) {
        Data before = load(device).orElse(null);
        if (before != null && before.pairing() != null) {
            write(device, before, before.with(null, before.reconnect(), clock.instant()));
        }
    }

    /** Records a reconnect in progress ({@code progress} null: the episode ended). */
    public synchronized void reconnect(Device device, Endpoint endpoint, Reconnect progress) {
        Data before = load(device).orElse(null);
        if (before == null) {
            if (progress == null || endpoint == null) {
                return;
            }
            String session = endpoint.sessionName() != null ? endpoint.sessionName() : endpoint.instanceName();
            write(device, null, new Data(endpoint.provider().wireName(), endpoint.id(), session, null, null, null,
                    clock.instant(), null, progress));
            return;
        }
        write(device, before, before.with(before.pairing(), progress, clock.instant()));
    }

    /** True when there is session data for the device (without opening it). */
    public boolean has(String deviceId) {
        return saved.containsKey(deviceId) || view.get(deviceId).isPresent();
    }

    private void write(Device device, Data before, Data data) {
        if (before != null && data.sameAs(before)) {
            return;
        }
        saved.put(device.id(), data);
        try {
            publisher.session(device.id(), new DeviceSession(device.id(), device.tenantId(),
                    secrets.seal(json.writeValueAsBytes(data), DeviceSession.context(device.tenantId(), device.id())),
                    data.updatedAt()));
        } catch (JsonProcessingException e) {
            log.warn("could not encode the session of device {}", device.id());
        }
    }

    /** The newest of what this instance saved and what the topic holds. */
    public Optional<Data> load(Device device) {
        Data mine = saved.get(device.id());
        Optional<Data> stored = fromTopic(device);
        if (mine != null && (stored.isEmpty() || !stored.get().updatedAt().isAfter(mine.updatedAt()))) {
            return Optional.of(mine);
        }
        return stored;
    }

    private Optional<Data> fromTopic(Device device) {
        Optional<DeviceSession> stored = view.get(device.id());
        if (stored.isEmpty() || !stored.get().tenantId().equals(device.tenantId())) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(secrets.open(stored.get().data(),
                    DeviceSession.context(device.tenantId(), device.id())), Data.class));
        } catch (SecretBox.SealedSecretException | IOException e) {
            log.warn("session of device {} cannot be read: {}", device.id(), e.getClass().getSimpleName());
            return Optional.empty();
        }
    }
}
