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
 */
public final class SessionStore {
    private static final Logger log = LoggerFactory.getLogger(SessionStore.class);

    /** What is sealed. Never logged: {@link #toString()} hides the token. */
    public record Data(String provider, String endpointId, String session, String instanceToken, String meId,
                       String mePushName, Instant updatedAt) {
        @Override
        public String toString() {
            return "SessionStore.Data[provider=" + provider + ", endpointId=" + endpointId + ", session=" + session
                    + ", instanceToken=" + (instanceToken == null ? "none" : "***") + ", me=***]";
        }

        boolean sameAs(Data o) {
            return Objects.equals(provider, o.provider) && Objects.equals(endpointId, o.endpointId)
                    && Objects.equals(session, o.session) && Objects.equals(instanceToken, o.instanceToken)
                    && Objects.equals(meId, o.meId) && Objects.equals(mePushName, o.mePushName);
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

    /** Records what {@code seen} says of the session, keeping the token and account already known. */
    public void save(Device device, Endpoint endpoint, SessionView seen, boolean loggedOut) {
        Data before = load(device).orElse(null);
        String token = seen.instanceToken() != null ? seen.instanceToken() : before == null ? null
                : before.instanceToken();
        String meId = loggedOut ? null : seen.me() != null ? seen.me().id() : before == null ? null : before.meId();
        String meName = loggedOut ? null : seen.me() != null ? seen.me().pushName() : before == null ? null
                : before.mePushName();
        String session = endpoint.sessionName() != null ? endpoint.sessionName() : endpoint.instanceName();
        Data data = new Data(endpoint.provider().wireName(), endpoint.id(), session, token, meId, meName,
                clock.instant());
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
