package com.booqing.whatsapp.ingress.device;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceCommand;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.ingress.endpoint.EndpointHandlers;
import com.booqing.whatsapp.ingress.http.ApiException;
import com.booqing.whatsapp.ingress.http.Bodies;
import com.booqing.whatsapp.ingress.http.Caller;
import com.booqing.whatsapp.ingress.http.NotFound;
import com.booqing.whatsapp.ingress.http.Scope;
import com.booqing.whatsapp.ingress.http.UnavailableException;
import com.booqing.whatsapp.ingress.kafka.AckedPublisher;
import com.booqing.whatsapp.ingress.management.Answers;
import com.booqing.whatsapp.ingress.management.ManagementCommands;
import com.booqing.whatsapp.ingress.management.ManagementStore;
import com.booqing.whatsapp.ingress.management.NewIds;
import com.booqing.whatsapp.ingress.management.Polls;
import com.booqing.whatsapp.ingress.management.Presenter;
import com.booqing.whatsapp.ingress.management.Stored;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * {@code /api/whatsapp/devices/{id}}, where {@code id} is a device id when it starts with {@code dev_} (which no
 * tenant id may) and a tenant id otherwise:
 * <pre>
 * GET    /devices/{tenantId}                      list the tenant's devices
 * POST   /devices/{tenantId}                      create a device on one of the tenant's WAHA/Evolution endpoints
 * GET    /devices/{deviceId}                      read one
 * PUT    /devices/{deviceId}                      change name, phone number, reconnect attempts
 * DELETE /devices/{deviceId}                      delete
 * POST   /devices/{deviceId}?action=connect       QR code (or pairing code with {phoneNumber})
 * POST   /devices/{deviceId}?action=disconnect    log the session out
 * POST   /devices/{deviceId}?action=refresh-status ask the provider for the session's state
 * </pre>
 * Actions are device commands for the device manager, which owns every session call to the providers; the
 * answer comes from the device as the processor projects the manager's events into Redis, awaited for a bounded
 * time (200), or 202 with the device's state when the provider has not answered yet. The wait (up to
 * INGRESS_CONNECT_WAIT_MS, 10 s by default) holds no HTTP thread: the request is asynchronous from the publish
 * on, Redis is polled from {@link Polls}' timer, and the answer is written from the responder pool.
 */
public final class DeviceHandlers {
    public static final String QR_IMAGE_PREFIX = "data:image/png;base64,";

    private final ManagementStore store;
    private final ManagementCommands commands;
    private final AckedPublisher publisher;
    private final Topics topics;
    private final Presenter presenter;
    private final ObjectMapper mapper;
    private final NewIds ids;
    private final int defaultMaxReconnectAttempts;
    private final Duration actionWait;
    private final int maxBodyBytes;
    private final Polls polls;
    private final Executor responder;

    /**
     * @param polls     where an action's wait for the provider's answer is checked, off the request thread
     * @param responder where the answer is written once known (the HTTP server's pool)
     */
    public DeviceHandlers(ManagementStore store, ManagementCommands commands, AckedPublisher publisher, Topics topics,
                          Presenter presenter, ObjectMapper mapper, NewIds ids, int defaultMaxReconnectAttempts,
                          Duration actionWait, int maxBodyBytes, Polls polls, Executor responder) {
        this.store = store;
        this.commands = commands;
        this.publisher = publisher;
        this.topics = topics;
        this.presenter = presenter;
        this.mapper = mapper;
        this.ids = ids;
        this.defaultMaxReconnectAttempts = defaultMaxReconnectAttempts;
        this.actionWait = actionWait;
        this.maxBodyBytes = maxBodyBytes;
        this.polls = polls;
        this.responder = responder;
    }

    /** Device ids carry {@link Device#ID_PREFIX}; tenant ids never do. */
    public static boolean isDeviceId(String id) {
        return id != null && id.startsWith(Device.ID_PREFIX);
    }

    public void get(Context ctx) {
        String id = ctx.pathParam("id");
        if (isDeviceId(id)) {
            ctx.json(presenter.device(device(ctx, id)));
            return;
        }
        String tenantId = existingTenant(ctx, id);
        ObjectNode body = mapper.createObjectNode();
        body.put("tenantId", tenantId);
        body.set("devices", presenter.devices(store.devices(tenantId)));
        ctx.json(body);
    }

    public void post(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        if (isDeviceId(id)) {
            action(ctx, device(ctx, id));
        } else {
            create(ctx, existingTenant(ctx, id));
        }
    }

    public void update(Context ctx) throws IOException {
        JsonNode device = device(ctx, ctx.pathParam("id"));
        String tenantId = Stored.text(device, "tenantId");
        String deviceId = Stored.text(device, "id");
        DeviceRequest request = Bodies.readObject(ctx, maxBodyBytes, mapper, DeviceRequest.class);
        ManagementCommand.DevicePatch patch = request.toPatch(tenantId);
        ManagementCommands.Result result = commands.submit(tenantId, new ManagementCommand.UpdateDevice(deviceId, patch));
        Answers.write(ctx, tenantId, result, commands,
                outcome -> store.device(deviceId).filter(d -> Stored.reflects(d, outcome)).isPresent(),
                outcome -> presenter.device(resourceOrStored(outcome.resource(), deviceId)));
    }

    public void delete(Context ctx) {
        JsonNode device = device(ctx, ctx.pathParam("id"));
        String tenantId = Stored.text(device, "tenantId");
        String deviceId = Stored.text(device, "id");
        ManagementCommands.Result result = commands.submit(tenantId, new ManagementCommand.DeleteDevice(deviceId));
        Answers.write(ctx, tenantId, result, commands,
                outcome -> store.device(deviceId).isEmpty(),
                outcome -> {
                    ObjectNode body = mapper.createObjectNode();
                    body.put("id", deviceId);
                    body.put("deleted", true);
                    if (outcome.detail() != null) {
                        body.put("detail", outcome.detail());
                    }
                    return body;
                });
    }

    private void create(Context ctx, String tenantId) throws IOException {
        DeviceRequest request = Bodies.readObject(ctx, maxBodyBytes, mapper, DeviceRequest.class);
        request.checkForCreate(tenantId);
        if (!EndpointHandlers.isEndpointId(request.endpointId())) {
            throw endpointNotFound();
        }
        JsonNode endpoint = store.endpoint(tenantId, request.endpointId()).orElseThrow(DeviceHandlers::endpointNotFound);
        if (isCloudApi(endpoint)) {
            throw new ApiException(422, "pairing_not_supported",
                    "Cloud API endpoints have no devices to pair; add a WAHA or Evolution endpoint", "endpointId");
        }
        Instant now = commands.now();
        Device device = new Device(ids.deviceId(), tenantId, request.endpointId(), request.deviceName().trim(),
                request.phoneNumber(), DeviceStatus.DISCONNECTED, null, null, 0,
                request.maxReconnectAttempts() == null ? defaultMaxReconnectAttempts : request.maxReconnectAttempts(),
                now, now);
        ManagementCommands.Result result = commands.submit(tenantId, new ManagementCommand.CreateDevice(device));
        Answers.write(ctx, tenantId, result, commands,
                outcome -> store.device(device.id()).filter(d -> Stored.reflects(d, outcome)).isPresent(),
                outcome -> presenter.device(resourceOrStored(outcome.resource(), device.id())));
    }

    private void action(Context ctx, JsonNode device) throws IOException {
        DeviceCommand.Action action = action(ctx.queryParam("action"));
        String tenantId = Stored.text(device, "tenantId");
        String deviceId = Stored.text(device, "id");
        JsonNode endpoint = store.endpoint(tenantId, Stored.text(device, "endpointId")).orElseThrow(() ->
                new ApiException(409, "endpoint_missing", "the device's endpoint no longer exists; delete the device"));
        if (isCloudApi(endpoint)) {
            throw new ApiException(422, "pairing_not_supported", "Cloud API endpoints have no sessions to pair");
        }
        String phoneNumber = null;
        if (action == DeviceCommand.Action.CONNECT) {
            ConnectRequest body = Bodies.readOptionalObject(ctx, maxBodyBytes, mapper, ConnectRequest.class);
            phoneNumber = body == null ? null : body.phoneNumber();
            DeviceRequest.checkPairingPhone("phoneNumber", phoneNumber);
            if (DeviceStatus.CONNECTED.wireName().equals(Stored.text(device, "status"))) {
                ctx.status(200).json(actionAnswer(device, null, "the device is already connected"));
                return;
            }
        }
        // "Newer than the request" is judged by the device's own updatedAt, as the processor stamps it, against
        // the one seen before publishing: no comparison of this host's clock with another's.
        Instant seen = Stored.instant(device, "updatedAt").orElse(Instant.MIN);
        String commandId = ids.commandId();
        ProducerRecord<String, DeviceCommand> record = new ProducerRecord<>(topics.deviceCommands().name(), deviceId,
                new DeviceCommand(commandId, tenantId, deviceId, action, phoneNumber, commands.now()));
        Predicate<JsonNode> answered = answered(action, phoneNumber != null, seen);
        // From here the request is asynchronous: no thread waits for Kafka's ack or for the provider's answer.
        ctx.future(() -> publisher.publishAsync(topics.deviceCommands(), record)
                .thenCompose(ack -> polls.until(() -> store.device(deviceId).filter(answered).isPresent(), actionWait))
                .handleAsync((done, error) -> {
                    if (error != null) {
                        throw failure(error);
                    }
                    JsonNode latest = store.device(deviceId).orElse(device);
                    if (done) {
                        ctx.status(200).json(actionAnswer(latest, commandId, null));
                    } else {
                        ctx.status(202).json(actionAnswer(latest, commandId,
                                "the provider has not answered yet; read the device for its state"));
                    }
                    return null;
                }, responder));
    }

    /** Kafka's refusal is the 503 it always was; anything else (Redis away) stays what it is, a 500. */
    private static RuntimeException failure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof UnavailableException u) {
            return u;
        }
        return cause instanceof RuntimeException r ? r : new CompletionException(cause);
    }

    /** When the device shows the provider's answer to this request: a change after {@code seen}. */
    private static Predicate<JsonNode> answered(DeviceCommand.Action action, boolean pairingCode, Instant seen) {
        Predicate<JsonNode> fresh = d -> Stored.instant(d, "updatedAt").map(u -> u.isAfter(seen)).orElse(false);
        return switch (action) {
            case CONNECT -> fresh.and(d -> Stored.text(d, pairingCode ? "pairingCode" : "qrCode") != null
                    || DeviceStatus.CONNECTED.wireName().equals(Stored.text(d, "status"))
                    || DeviceStatus.ERROR.wireName().equals(Stored.text(d, "status")));
            case DISCONNECT -> fresh.and(d -> DeviceStatus.DISCONNECTED.wireName().equals(Stored.text(d, "status"))
                    || DeviceStatus.ERROR.wireName().equals(Stored.text(d, "status")));
            case REFRESH_STATUS -> fresh;
        };
    }

    private ObjectNode actionAnswer(JsonNode device, String commandId, String message) {
        ObjectNode body = mapper.createObjectNode();
        body.put("deviceId", Stored.text(device, "id"));
        body.put("status", Stored.text(device, "status"));
        String qr = Stored.text(device, "qrCode");
        if (qr != null) {
            ObjectNode qrCode = body.putObject("qrCode");
            qrCode.put("raw", qr);
            String image = Stored.text(device, "qrImage");
            if (image != null && image.startsWith(QR_IMAGE_PREFIX)) {
                qrCode.put("pngDataUrl", image);
            } else {
                qrCode.put("pngDataUrl", QrImages.pngDataUrl(qr).orElse(null));
            }
        }
        String pairing = Stored.text(device, "pairingCode");
        if (pairing != null) {
            body.put("pairingCode", pairing);
        }
        String updatedAt = Stored.text(device, "updatedAt");
        if (updatedAt != null) {
            body.put("updatedAt", updatedAt);
        }
        if (commandId != null) {
            body.put("commandId", commandId);
        }
        if (message != null) {
            body.put("message", message);
        }
        return body;
    }

    private static DeviceCommand.Action action(String raw) {
        if (raw != null) {
            for (DeviceCommand.Action a : DeviceCommand.Action.values()) {
                if (a.wireName().equals(raw)) {
                    return a;
                }
            }
        }
        throw ApiException.invalidField("action", "action must be connect, disconnect or refresh-status");
    }

    /** The device, when it exists and the caller may see it; else the same 404 either way. */
    private JsonNode device(Context ctx, String deviceId) {
        if (!isDeviceId(deviceId) || !Ids.isValidGeneratedId(deviceId)) {
            throw NotFound.device();
        }
        Caller caller = Caller.of(ctx);
        Optional<JsonNode> device = store.device(deviceId)
                .filter(d -> deviceId.equals(Stored.text(d, "id")))
                .filter(d -> Stored.text(d, "tenantId") != null && caller.owns(Stored.text(d, "tenantId")));
        return device.orElseThrow(NotFound::device);
    }

    private String existingTenant(Context ctx, String id) {
        String tenantId = Scope.tenant(ctx, id);
        if (store.config(tenantId).isEmpty()) {
            throw NotFound.tenant();
        }
        return tenantId;
    }

    private JsonNode resourceOrStored(JsonNode resource, String deviceId) {
        if (resource != null && resource.isObject()) {
            return resource;
        }
        return store.device(deviceId).orElseGet(mapper::createObjectNode);
    }

    private static boolean isCloudApi(JsonNode endpoint) {
        return ProviderType.CLOUD_API.wireName().equals(Stored.text(endpoint, "provider"));
    }

    private static ApiException endpointNotFound() {
        return new ApiException(404, "endpoint_not_found", "endpoint not found", "endpointId");
    }
}
