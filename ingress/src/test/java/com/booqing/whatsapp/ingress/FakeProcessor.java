package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceCommand;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.common.management.ManagementCommand.Action;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.ingress.management.OutcomeRegistry;
import com.booqing.whatsapp.ingress.management.ResourceViews;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the processor and the device manager until they exist: applies management commands in memory
 * with the invariants the real one keeps (single writer per tenant, one primary per tenant, devices only on
 * their tenant's WAHA/Evolution endpoints, other tenants' ids as absent), projects the result into Redis in the
 * layout the ingress reads, and answers with {@link CommandOutcome}s. Its device manager answers connect with a
 * QR code (and a pairing code when asked), disconnect with a disconnected device. This is the contract the real
 * processor must meet; see MANAGEMENT.md.
 */
final class FakeProcessor implements AutoCloseable {
    static final String QR_IMAGE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk";

    enum Mode {
        /** Apply, project, answer. */
        ANSWER,
        /** Hold commands: no projection, no outcome, until {@link #releaseHeld()}. */
        HOLD,
        /** Answer at once, project into Redis only after {@link #lag}. */
        LAG
    }

    private final JedisPooled redis;
    private final RedisKeys keys;
    private final SecretBox box;
    private final GatewayConfig gateway;
    private final OutcomeRegistry outcomes;
    private final InMemoryApiKeyDirectory apiKeys;
    private final Clock clock;
    private final Topics topics;
    private final ObjectMapper json = Json.strict();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final MockProducer<byte[], byte[]> producer;

    final List<ManagementCommand> commands = new CopyOnWriteArrayList<>();
    final List<DeviceCommand> deviceCommands = new CopyOnWriteArrayList<>();
    private final List<ManagementCommand> held = new ArrayList<>();
    private final Map<String, TenantConfiguration> tenants = new LinkedHashMap<>();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final Map<String, String> qrImages = new LinkedHashMap<>();
    volatile Mode mode = Mode.ANSWER;
    volatile Duration lag = Duration.ofMillis(300);
    volatile boolean deviceManagerAnswers = true;
    volatile boolean acknowledges = true;
    private int qrCount;

    FakeProcessor(JedisPooled redis, RedisKeys keys, SecretBox box, GatewayConfig gateway, OutcomeRegistry outcomes,
                  InMemoryApiKeyDirectory apiKeys, Clock clock, Topics topics) {
        this.redis = redis;
        this.keys = keys;
        this.box = box;
        this.gateway = gateway;
        this.outcomes = outcomes;
        this.apiKeys = apiKeys;
        this.clock = clock;
        this.topics = topics;
        this.producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> r,
                                                                               Callback callback) {
                if (!acknowledges) {
                    throw new org.apache.kafka.common.errors.TimeoutException("broker away");
                }
                java.util.concurrent.Future<RecordMetadata> ack = super.send(r, callback);
                onRecord(r);
                return ack;
            }
        };
    }

    MockProducer<byte[], byte[]> producer() {
        return producer;
    }

    private void onRecord(ProducerRecord<byte[], byte[]> r) {
        if (r.topic().equals(topics.managementCommands().name())) {
            ManagementCommand c = decode(topics.managementCommands().valueSerde(), r.value());
            commands.add(c);
            receive(c);
        } else if (r.topic().equals(topics.deviceCommands().name())) {
            DeviceCommand c = decode(topics.deviceCommands().valueSerde(), r.value());
            deviceCommands.add(c);
            if (deviceManagerAnswers) {
                executor.schedule(() -> deviceManager(c), 50, TimeUnit.MILLISECONDS);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T decode(org.apache.kafka.common.serialization.Serde<T> serde, byte[] bytes) {
        Decoded<T> d = ((JsonSerde<T>) serde).decode(bytes);
        if (d instanceof Decoded.Ok<T> ok) {
            return ok.value();
        }
        throw new AssertionError("the ingress published an unreadable record: " + ((Decoded.Bad<T>) d).reason());
    }

    private synchronized void receive(ManagementCommand c) {
        if (mode == Mode.HOLD) {
            held.add(c);
            return;
        }
        Decision d = decide(c);
        if (mode == Mode.LAG) {
            outcomes.complete(d.outcome());
            executor.schedule(() -> publish(d), lag.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            publish(d);
            outcomes.complete(d.outcome());
        }
    }

    /** Applies the held commands now, as a processor that was slow would. */
    synchronized void releaseHeld() {
        List<ManagementCommand> now = new ArrayList<>(held);
        held.clear();
        for (ManagementCommand c : now) {
            publish(decide(c));
        }
    }

    private void publish(Decision d) {
        synchronized (this) {
            d.projection().run();
        }
        try {
            redis.set(keys.command(d.outcome().commandId()),
                    json.writeValueAsString(d.outcome()), SetParams.setParams().ex(86_400));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private record Decision(CommandOutcome outcome, Runnable projection) {
    }

    // --- the processor's decisions ---

    /** When the command being decided is applied: the processor stamps resources and the outcome alike. */
    private java.time.Instant decidedAt;

    private Decision decide(ManagementCommand c) {
        String t = c.tenantId();
        Action a = c.action();
        var now = clock.instant();
        decidedAt = now;
        if (a instanceof ManagementCommand.InitTenant init) {
            TenantConfiguration cfg = patch(TenantConfiguration.defaults(t, gateway, now), init.configuration(), now);
            if (tenants.containsKey(t)) {
                TenantConfiguration current = tenants.get(t);
                if (sameSettings(current, cfg)) {
                    return new Decision(new CommandOutcome(c.commandId(), t, CommandOutcome.Status.APPLIED, 200,
                            "applied", null, t, "tenant already initialised with this configuration",
                            json.valueToTree(current), now), () -> { });
                }
                return reject(c, 409, "tenant_exists", "the tenant is already initialised");
            }
            tenants.put(t, cfg);
            return apply(c, 201, t, null, json.valueToTree(cfg), () -> projectConfig(t));
        }
        if (!tenants.containsKey(t)) {
            return reject(c, 404, "tenant_not_found", "tenant not found");
        }
        if (a instanceof ManagementCommand.UpdateTenant u) {
            String primary = u.patch().primaryEndpointId();
            if (primary != null && !ownEndpoint(t, primary)) {
                return reject(c, 422, "endpoint_not_found", "primaryEndpointId is not an endpoint of the tenant");
            }
            tenants.put(t, patch(tenants.get(t), u.patch(), now));
            if (primary != null) {
                makePrimary(t, primary, now);
            }
            return apply(c, 200, t, null, json.valueToTree(tenants.get(t)), () -> {
                projectConfig(t);
                projectEndpoints(t);
            });
        }
        if (a instanceof ManagementCommand.CreateEndpoint ce) {
            Endpoint e = ce.endpoint();
            if (!e.tenantId().equals(t) || endpoints.containsKey(e.id())) {
                return reject(c, 409, "endpoint_exists", "endpoint id taken");
            }
            boolean primary = e.isPrimary() || tenantEndpoints(t).isEmpty();
            endpoints.put(e.id(), copy(e, e.isActive(), false, now, now));
            if (primary) {
                makePrimary(t, e.id(), now);
            }
            return apply(c, 201, e.id(), null, view(endpoints.get(e.id())), () -> {
                projectEndpoints(t);
                projectConfig(t);
            });
        }
        if (a instanceof ManagementCommand.UpdateEndpoint ue) {
            if (!ownEndpoint(t, ue.endpointId())) {
                return reject(c, 404, "endpoint_not_found", "endpoint not found");
            }
            Endpoint e = endpoints.get(ue.endpointId());
            var p = ue.patch();
            Endpoint updated = new Endpoint(e.id(), t, or(p.name(), e.name()), e.provider(), or(p.apiUrl(), e.apiUrl()),
                    or(p.apiVersion(), e.apiVersion()), or(p.phoneNumberId(), e.phoneNumberId()),
                    or(p.sessionName(), e.sessionName()), or(p.instanceName(), e.instanceName()),
                    or(p.apiKey(), e.apiKey()), or(p.webhookSecret(), e.webhookSecret()),
                    or(p.verifyToken(), e.verifyToken()), or(p.isActive(), e.isActive()), e.isPrimary(),
                    or(p.weight(), e.weight()), e.createdAt(), now);
            endpoints.put(e.id(), updated);
            if (Boolean.TRUE.equals(p.isPrimary())) {
                makePrimary(t, e.id(), now);
            }
            return apply(c, 200, e.id(), null, view(endpoints.get(e.id())), () -> {
                projectEndpoints(t);
                projectConfig(t);
            });
        }
        if (a instanceof ManagementCommand.DeleteEndpoint de) {
            if (!ownEndpoint(t, de.endpointId())) {
                return reject(c, 404, "endpoint_not_found", "endpoint not found");
            }
            if (devices.values().stream().anyMatch(d -> d.endpointId().equals(de.endpointId()))) {
                return reject(c, 409, "endpoint_in_use", "delete the endpoint's devices first");
            }
            Endpoint gone = endpoints.remove(de.endpointId());
            String detail = null;
            String promoted = null;
            if (gone.isPrimary()) {
                promoted = tenantEndpoints(t).stream().min(Comparator.comparing(Endpoint::createdAt))
                        .map(Endpoint::id).orElse(null);
                if (promoted != null) {
                    makePrimary(t, promoted, now);
                    detail = promoted + " promoted to primary";
                } else {
                    tenants.put(t, withPrimary(tenants.get(t), null, now));
                    detail = "no endpoint left to promote; the tenant has no primary";
                }
            }
            ObjectNode resource = json.createObjectNode().put("id", gone.id()).put("deleted", true);
            resource.put("promotedEndpointId", promoted);
            return apply(c, 200, gone.id(), detail, resource, () -> {
                redis.del(keys.endpoint(gone.id()));
                redis.srem(keys.tenantEndpoints(t), gone.id());
                projectEndpoints(t);
                projectConfig(t);
            });
        }
        if (a instanceof ManagementCommand.CreateDevice cd) {
            Device d = cd.device();
            if (!ownEndpoint(t, d.endpointId())) {
                return reject(c, 404, "endpoint_not_found", "endpoint not found");
            }
            if (endpoints.get(d.endpointId()).provider() == ProviderType.CLOUD_API) {
                return reject(c, 422, "pairing_not_supported", "Cloud API endpoints have no devices");
            }
            Device stored = new Device(d.id(), t, d.endpointId(), d.deviceName(), d.phoneNumber(), d.status(), null,
                    null, 0, d.maxReconnectAttempts(), now, now);
            devices.put(d.id(), stored);
            return apply(c, 201, d.id(), null, ResourceViews.device(stored, null, json),
                    () -> projectDevice(d.id()));
        }
        if (a instanceof ManagementCommand.UpdateDevice ud) {
            Device d = devices.get(ud.deviceId());
            if (d == null || !d.tenantId().equals(t)) {
                return reject(c, 404, "device_not_found", "device not found");
            }
            var p = ud.patch();
            Device updated = new Device(d.id(), t, d.endpointId(), or(p.deviceName(), d.deviceName()),
                    or(p.phoneNumber(), d.phoneNumber()), d.status(), d.qrCode(), d.pairingCode(),
                    d.reconnectAttempts(), or(p.maxReconnectAttempts(), d.maxReconnectAttempts()), d.createdAt(), now);
            devices.put(d.id(), updated);
            return apply(c, 200, d.id(), null, ResourceViews.device(updated, qrImages.get(d.id()), json),
                    () -> projectDevice(d.id()));
        }
        if (a instanceof ManagementCommand.DeleteDevice dd) {
            Device d = devices.get(dd.deviceId());
            if (d == null || !d.tenantId().equals(t)) {
                return reject(c, 404, "device_not_found", "device not found");
            }
            devices.remove(d.id());
            return apply(c, 200, d.id(), null, null, () -> {
                redis.del(keys.device(d.id()));
                redis.srem(keys.tenantDevices(t), d.id());
            });
        }
        if (a instanceof ManagementCommand.IssueApiKey ik) {
            ApiKey k = ik.key();
            // The resource carries the hash on purpose: the ingress must never pass it on.
            return apply(c, 201, k.keyId(), null, json.valueToTree(k), () -> apiKeys.put(k));
        }
        if (a instanceof ManagementCommand.RevokeApiKey rk) {
            Optional<ApiKey> k = apiKeys.find(rk.keyId()).filter(key -> key.tenantId().equals(t));
            if (k.isEmpty()) {
                return reject(c, 404, "api_key_not_found", "API key not found");
            }
            ApiKey revoked = new ApiKey(k.get().keyId(), t, k.get().prefix(), k.get().sha256Hex(),
                    k.get().createdAt(), now);
            return apply(c, 200, revoked.keyId(), null, json.valueToTree(revoked), () -> apiKeys.put(revoked));
        }
        throw new AssertionError("unknown action " + a);
    }

    private Decision apply(ManagementCommand c, int status, String subjectId, String detail, JsonNode resource,
                           Runnable projection) {
        return new Decision(new CommandOutcome(c.commandId(), c.tenantId(), CommandOutcome.Status.APPLIED, status,
                "applied", null, subjectId, detail, resource, decidedAt), projection);
    }

    private Decision reject(ManagementCommand c, int status, String code, String message) {
        return new Decision(new CommandOutcome(c.commandId(), c.tenantId(), CommandOutcome.Status.REJECTED, status,
                code, message, null, null, null, decidedAt), () -> { });
    }

    // --- the device manager ---

    private void deviceManager(DeviceCommand c) {
        synchronized (this) {
            Device d = devices.get(c.deviceId());
            if (d == null) {
                return;
            }
            Device updated = switch (c.action()) {
                case CONNECT -> {
                    qrCount++;
                    qrImages.put(d.id(), QR_IMAGE);
                    yield status(d, DeviceStatus.PAIRING, "2@fake-qr-" + qrCount,
                            c.phoneNumber() == null ? null : "ABCD-EFGH");
                }
                case DISCONNECT -> {
                    qrImages.remove(d.id());
                    yield status(d, DeviceStatus.DISCONNECTED, null, null);
                }
                case REFRESH_STATUS -> status(d, d.status(), d.qrCode(), d.pairingCode());
            };
            devices.put(d.id(), updated);
            projectDevice(d.id());
        }
    }

    /** The provider reports the session as working (the QR code was scanned). */
    synchronized void deviceConnected(String deviceId) {
        Device d = devices.get(deviceId);
        qrImages.remove(deviceId);
        devices.put(deviceId, status(d, DeviceStatus.CONNECTED, null, null));
        projectDevice(deviceId);
    }

    /** The health monitor's latest check of an endpoint. */
    void health(EndpointHealth health) {
        try {
            redis.set(keys.health(health.endpointId()), json.writeValueAsString(health));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Device status(Device d, DeviceStatus status, String qr, String pairing) {
        return new Device(d.id(), d.tenantId(), d.endpointId(), d.deviceName(), d.phoneNumber(), status, qr, pairing,
                d.reconnectAttempts(), d.maxReconnectAttempts(), d.createdAt(), clock.instant());
    }

    // --- projection into Redis, as the preamble's layout says ---

    private void projectConfig(String t) {
        write(keys.config(t), json.valueToTree(tenants.get(t)));
    }

    private void projectEndpoints(String t) {
        for (Endpoint e : tenantEndpoints(t)) {
            write(keys.endpoint(e.id()), view(e));
            redis.sadd(keys.tenantEndpoints(t), e.id());
        }
    }

    private void projectDevice(String id) {
        Device d = devices.get(id);
        write(keys.device(id), ResourceViews.device(d, qrImages.get(id), json));
        redis.sadd(keys.tenantDevices(d.tenantId()), id);
    }

    private void write(String key, JsonNode value) {
        try {
            redis.set(key, json.writeValueAsString(value));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode view(Endpoint e) {
        return ResourceViews.endpoint(e, box, gateway.webhookUrl(e.tenantId(), e.id()), json);
    }

    // --- state helpers ---

    private boolean ownEndpoint(String t, String id) {
        Endpoint e = endpoints.get(id);
        return e != null && e.tenantId().equals(t);
    }

    private List<Endpoint> tenantEndpoints(String t) {
        return endpoints.values().stream().filter(e -> e.tenantId().equals(t)).toList();
    }

    private void makePrimary(String t, String id, java.time.Instant now) {
        for (Endpoint e : tenantEndpoints(t)) {
            boolean primary = e.id().equals(id);
            if (primary != e.isPrimary()) {
                endpoints.put(e.id(), copy(e, e.isActive(), primary, e.createdAt(), now));
            }
        }
        tenants.put(t, withPrimary(tenants.get(t), id, now));
    }

    private static Endpoint copy(Endpoint e, boolean active, boolean primary, java.time.Instant created,
                                 java.time.Instant updated) {
        return new Endpoint(e.id(), e.tenantId(), e.name(), e.provider(), e.apiUrl(), e.apiVersion(),
                e.phoneNumberId(), e.sessionName(), e.instanceName(), e.apiKey(), e.webhookSecret(), e.verifyToken(),
                active, primary, e.weight(), created, updated);
    }

    private static TenantConfiguration withPrimary(TenantConfiguration c, String primary, java.time.Instant now) {
        return new TenantConfiguration(c.tenantId(), primary, c.failoverEnabled(), c.autoReconnect(),
                c.reconnectInterval(), c.healthCheckInterval(), c.webhookRetries(), c.messageTimeout(), c.createdAt(),
                now);
    }

    private static TenantConfiguration patch(TenantConfiguration c, ManagementCommand.TenantConfigPatch p,
                                             java.time.Instant now) {
        if (p == null) {
            return c;
        }
        return new TenantConfiguration(c.tenantId(), c.primaryEndpointId(), or(p.failoverEnabled(), c.failoverEnabled()),
                or(p.autoReconnect(), c.autoReconnect()), or(p.reconnectInterval(), c.reconnectInterval()),
                or(p.healthCheckInterval(), c.healthCheckInterval()), or(p.webhookRetries(), c.webhookRetries()),
                or(p.messageTimeout(), c.messageTimeout()), c.createdAt(), now);
    }

    private static boolean sameSettings(TenantConfiguration a, TenantConfiguration b) {
        return a.failoverEnabled() == b.failoverEnabled() && a.autoReconnect() == b.autoReconnect()
                && a.reconnectInterval() == b.reconnectInterval() && a.healthCheckInterval() == b.healthCheckInterval()
                && a.webhookRetries() == b.webhookRetries() && a.messageTimeout() == b.messageTimeout();
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
