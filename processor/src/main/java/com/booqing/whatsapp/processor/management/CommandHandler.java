package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.common.management.ManagementCommand.CreateDevice;
import com.booqing.whatsapp.common.management.ManagementCommand.CreateEndpoint;
import com.booqing.whatsapp.common.management.ManagementCommand.DeleteDevice;
import com.booqing.whatsapp.common.management.ManagementCommand.DeleteEndpoint;
import com.booqing.whatsapp.common.management.ManagementCommand.DevicePatch;
import com.booqing.whatsapp.common.management.ManagementCommand.EndpointPatch;
import com.booqing.whatsapp.common.management.ManagementCommand.InitTenant;
import com.booqing.whatsapp.common.management.ManagementCommand.IssueApiKey;
import com.booqing.whatsapp.common.management.ManagementCommand.RevokeApiKey;
import com.booqing.whatsapp.common.management.ManagementCommand.TenantConfigPatch;
import com.booqing.whatsapp.common.management.ManagementCommand.UpdateDevice;
import com.booqing.whatsapp.common.management.ManagementCommand.UpdateEndpoint;
import com.booqing.whatsapp.common.management.ManagementCommand.UpdateTenant;
import com.booqing.whatsapp.common.tenant.ConfigurationChanged;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.processor.management.Drafts.ConfigDraft;
import com.booqing.whatsapp.processor.management.Drafts.EndpointDraft;
import com.booqing.whatsapp.processor.resource.EndpointView;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of the management API, as a pure function: a tenant's state and one command in, a {@link Decision}
 * out. Every check is made against the state before anything is written, so a refused command changes nothing.
 * MANAGEMENT.md lists the rules and the code and HTTP status of every refusal.
 */
final class CommandHandler {
    static final int MAX_NAME = 100;
    static final int MAX_RECONNECT_ATTEMPTS = 1000;
    private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final TenantConfigPatch NO_CONFIG = new TenantConfigPatch(null, null, null, null, null, null, null);
    private static final EndpointPatch NO_ENDPOINT_CHANGE = new EndpointPatch(null, null, null, null, null, null, null,
            null, null, null, null, null);
    private static final DevicePatch NO_DEVICE_CHANGE = new DevicePatch(null, null, null);
    private static final ObjectMapper MAPPER = Json.strict();

    private final GatewayConfig gateway;
    private final EndpointRules endpointRules;
    private final EndpointView endpointView;

    CommandHandler(ManagementSettings settings) {
        this.gateway = settings.gateway();
        this.endpointRules = new EndpointRules(settings.secrets(), settings.urlGuard());
        this.endpointView = settings.endpointView();
    }

    /** What an applied command reports; {@code action} null means nothing changed (no records, no event). */
    private record Applied(int httpStatus, String subject, String subjectId, String action, String detail,
                           JsonNode resource) {
    }

    Decision handle(TenantState state, ManagementCommand command, Instant now) {
        Tx tx = new Tx(state, now);
        try {
            if (!Ids.isValidTenantId(command.tenantId())) {
                throw Rejection.invalid("tenantId", "tenantId must be 1-63 letters, digits, '_' or '-', starting "
                        + "with a letter or digit (and not with " + Device.ID_PREFIX + ")");
            }
            Applied a = apply(tx, command);
            ConfigurationChanged event = a.action() == null ? null
                    : new ConfigurationChanged(a.subject(), a.subjectId(), a.action(), a.detail());
            String message = a.subject() + " " + a.subjectId() + " " + (a.action() == null ? "unchanged" : a.action());
            CommandOutcome outcome = new CommandOutcome(command.commandId(), command.tenantId(),
                    CommandOutcome.Status.APPLIED, a.httpStatus(), Codes.APPLIED, message, a.subjectId(), a.detail(),
                    a.resource(), now);
            return new Decision(tx.state(), tx.changes(), event, outcome);
        } catch (Rejection r) {
            return new Decision(state, List.of(), null, rejected(command, r, now));
        }
    }

    static CommandOutcome rejected(ManagementCommand command, Rejection r, Instant now) {
        return new CommandOutcome(command.commandId(), command.tenantId(), CommandOutcome.Status.REJECTED,
                r.httpStatus(), r.code(), r.getMessage(), subjectOf(command), r.field(), null, now);
    }

    private Applied apply(Tx tx, ManagementCommand c) {
        ManagementCommand.Action action = c.action();
        if (action instanceof InitTenant a) {
            return initTenant(tx, c.tenantId(), a.configuration() == null ? NO_CONFIG : a.configuration());
        }
        requireTenant(tx.state());
        if (action instanceof UpdateTenant a) {
            return updateTenant(tx, c.tenantId(), a.patch() == null ? NO_CONFIG : a.patch());
        } else if (action instanceof CreateEndpoint a) {
            return createEndpoint(tx, c.tenantId(), a.endpoint());
        } else if (action instanceof UpdateEndpoint a) {
            return updateEndpoint(tx, a.endpointId(), a.patch() == null ? NO_ENDPOINT_CHANGE : a.patch());
        } else if (action instanceof DeleteEndpoint a) {
            return deleteEndpoint(tx, a.endpointId());
        } else if (action instanceof CreateDevice a) {
            return createDevice(tx, c.tenantId(), a.device());
        } else if (action instanceof UpdateDevice a) {
            return updateDevice(tx, a.deviceId(), a.patch() == null ? NO_DEVICE_CHANGE : a.patch());
        } else if (action instanceof DeleteDevice a) {
            return deleteDevice(tx, a.deviceId());
        } else if (action instanceof IssueApiKey a) {
            return issueApiKey(tx, c.tenantId(), a.key());
        } else if (action instanceof RevokeApiKey a) {
            return revokeApiKey(tx, a.keyId());
        }
        throw new IllegalStateException("unhandled action " + action.getClass().getSimpleName());
    }

    // --- tenant ---

    private Applied initTenant(Tx tx, String tenantId, TenantConfigPatch p) {
        checkRanges(p);
        TenantState s = tx.state();
        if (s.initialised()) {
            if (agrees(s.config(), p)) {
                // Idempotent: initialising again with nothing different answers like the first time did.
                return new Applied(200, "tenant", tenantId, null, "tenant already initialised with this configuration",
                        json(s.config()));
            }
            throw Rejection.conflict(Codes.TENANT_EXISTS, "tenant " + tenantId
                    + " is already initialised with a different configuration; change it with an update");
        }
        if (p.primaryEndpointId() != null && !s.endpoints().containsKey(p.primaryEndpointId())) {
            throw notTheTenantsEndpoint(tenantId);
        }
        ConfigDraft d = new ConfigDraft(TenantConfiguration.defaults(tenantId, gateway, tx.now));
        patch(d, p);
        d.primaryEndpointId = null;
        tx.put(d.build());
        String primary = p.primaryEndpointId() != null ? p.primaryEndpointId() : PrimaryEndpoints.current(tx.state());
        if (primary != null) {
            PrimaryEndpoints.makePrimary(tx, primary);
        }
        return new Applied(201, "tenant", tenantId, "created", null, json(tx.state().config()));
    }

    private Applied updateTenant(Tx tx, String tenantId, TenantConfigPatch p) {
        checkRanges(p);
        TenantState s = tx.state();
        String requested = p.primaryEndpointId();
        if (requested != null && !s.endpoints().containsKey(requested)) {
            throw notTheTenantsEndpoint(tenantId);
        }
        ConfigDraft d = new ConfigDraft(s.config());
        patch(d, p);
        d.primaryEndpointId = s.config().primaryEndpointId();
        if (!d.build().equals(s.config())) {
            d.updatedAt = tx.now;
            tx.put(d.build());
        }
        String detail = null;
        if (requested != null) {
            String previous = PrimaryEndpoints.current(s);
            PrimaryEndpoints.makePrimary(tx, requested);
            if (!requested.equals(previous)) {
                detail = PrimaryEndpoints.replaced(previous, requested);
            }
        }
        return changedOrNot(tx, 200, "tenant", tenantId, detail, json(tx.state().config()));
    }

    private static Rejection notTheTenantsEndpoint(String tenantId) {
        return Rejection.invalid("primaryEndpointId", "primaryEndpointId names no endpoint of tenant " + tenantId);
    }

    private static void checkRanges(TenantConfigPatch p) {
        range("reconnectInterval", p.reconnectInterval(), 1, 86_400);
        range("healthCheckInterval", p.healthCheckInterval(), 1, 86_400);
        range("webhookRetries", p.webhookRetries(), 0, 20);
        range("messageTimeout", p.messageTimeout(), 100, 600_000);
    }

    private static void range(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw Rejection.invalid(field, field + " must be between " + min + " and " + max);
        }
    }

    private static void patch(ConfigDraft d, TenantConfigPatch p) {
        if (p.failoverEnabled() != null) {
            d.failoverEnabled = p.failoverEnabled();
        }
        if (p.autoReconnect() != null) {
            d.autoReconnect = p.autoReconnect();
        }
        if (p.reconnectInterval() != null) {
            d.reconnectInterval = p.reconnectInterval();
        }
        if (p.healthCheckInterval() != null) {
            d.healthCheckInterval = p.healthCheckInterval();
        }
        if (p.webhookRetries() != null) {
            d.webhookRetries = p.webhookRetries();
        }
        if (p.messageTimeout() != null) {
            d.messageTimeout = p.messageTimeout();
        }
    }

    /** Every field the patch gives has the value the configuration has. */
    private static boolean agrees(TenantConfiguration c, TenantConfigPatch p) {
        return same(p.primaryEndpointId(), c.primaryEndpointId()) && same(p.failoverEnabled(), c.failoverEnabled())
                && same(p.autoReconnect(), c.autoReconnect()) && same(p.reconnectInterval(), c.reconnectInterval())
                && same(p.healthCheckInterval(), c.healthCheckInterval())
                && same(p.webhookRetries(), c.webhookRetries()) && same(p.messageTimeout(), c.messageTimeout());
    }

    private static boolean same(Object given, Object current) {
        return given == null || given.equals(current);
    }

    // --- endpoints ---

    private Applied createEndpoint(Tx tx, String tenantId, Endpoint e) {
        if (e == null) {
            throw Rejection.missing("endpoint", "endpoint is required");
        }
        if (!tenantId.equals(e.tenantId())) {
            throw Rejection.invalid("tenantId", "the endpoint's tenantId must be the tenant it is created for");
        }
        if (!EndpointRules.isEndpointId(e.id())) {
            throw Rejection.invalid("id", "id must be " + EndpointRules.ID_PREFIX
                    + " followed by 1-64 letters, digits, '_' or '-'");
        }
        if (tx.state().endpoints().containsKey(e.id())) {
            throw Rejection.conflict(Codes.ENDPOINT_EXISTS, "endpoint " + e.id() + " already exists");
        }
        endpointRules.check(e, Set.copyOf(EndpointView.SECRET_FIELDS));
        String previous = PrimaryEndpoints.current(tx.state());
        EndpointDraft d = new EndpointDraft(e);
        d.isPrimary = false;
        d.createdAt = tx.now;
        d.updatedAt = tx.now;
        tx.put(d.build());
        String detail = null;
        if (e.isPrimary() || previous == null) {
            PrimaryEndpoints.makePrimary(tx, e.id());
            detail = PrimaryEndpoints.replaced(previous, e.id());
        }
        return new Applied(201, "endpoint", e.id(), "created", detail, endpointView.json(endpoint(tx, e.id())));
    }

    private Applied updateEndpoint(Tx tx, String id, EndpointPatch p) {
        Endpoint current = existingEndpoint(tx.state(), id);
        EndpointDraft d = new EndpointDraft(current);
        Set<String> newSecrets = new HashSet<>();
        if (p.name() != null) {
            d.name = p.name();
        }
        if (p.apiUrl() != null) {
            d.apiUrl = p.apiUrl();
        }
        if (p.apiVersion() != null) {
            d.apiVersion = p.apiVersion();
        }
        if (p.phoneNumberId() != null) {
            d.phoneNumberId = p.phoneNumberId();
        }
        if (p.sessionName() != null) {
            d.sessionName = p.sessionName();
        }
        if (p.instanceName() != null) {
            d.instanceName = p.instanceName();
        }
        if (p.apiKey() != null) {
            d.apiKey = p.apiKey();
            newSecrets.add("apiKey");
        }
        if (p.webhookSecret() != null) {
            d.webhookSecret = p.webhookSecret();
            newSecrets.add("webhookSecret");
        }
        if (p.verifyToken() != null) {
            d.verifyToken = p.verifyToken();
            newSecrets.add("verifyToken");
        }
        if (p.isActive() != null) {
            d.isActive = p.isActive();
        }
        if (p.weight() != null) {
            if (p.weight() < 1 || p.weight() > EndpointRules.MAX_WEIGHT) {
                throw Rejection.invalid("weight", "weight must be between 1 and " + EndpointRules.MAX_WEIGHT);
            }
            d.weight = p.weight();
        }
        Endpoint merged = d.build();
        endpointRules.check(merged, newSecrets);
        String previous = PrimaryEndpoints.current(tx.state());
        if (!merged.equals(current)) {
            d.updatedAt = tx.now;
            tx.put(d.build());
        }
        String detail = null;
        if (Boolean.TRUE.equals(p.isPrimary()) && !id.equals(previous)) {
            PrimaryEndpoints.makePrimary(tx, id);
            detail = PrimaryEndpoints.replaced(previous, id);
        } else if (Boolean.FALSE.equals(p.isPrimary()) && id.equals(previous)) {
            detail = PrimaryEndpoints.succeed(tx, id);
        }
        return changedOrNot(tx, 200, "endpoint", id, detail, endpointView.json(endpoint(tx, id)));
    }

    private Applied deleteEndpoint(Tx tx, String id) {
        Endpoint current = existingEndpoint(tx.state(), id);
        int devices = tx.state().devicesOf(id).size();
        if (devices > 0) {
            throw Rejection.conflict(Codes.ENDPOINT_HAS_DEVICES, "endpoint " + id + " still has " + devices
                    + (devices == 1 ? " device" : " devices") + "; delete them first");
        }
        boolean wasPrimary = id.equals(PrimaryEndpoints.current(tx.state())) || current.isPrimary();
        tx.removeEndpoint(id);
        String detail = wasPrimary ? PrimaryEndpoints.succeed(tx, id) : null;
        return new Applied(200, "endpoint", id, "deleted", detail, null);
    }

    private static Endpoint existingEndpoint(TenantState s, String id) {
        Endpoint e = id == null ? null : s.endpoints().get(id);
        if (e == null) {
            // Another tenant's endpoint is not in this tenant's state: it gets the same answer as no endpoint.
            throw Rejection.notFound(Codes.ENDPOINT_NOT_FOUND, "endpoint " + id + " not found");
        }
        return e;
    }

    private static Endpoint endpoint(Tx tx, String id) {
        return tx.state().endpoints().get(id);
    }

    // --- devices ---

    private Applied createDevice(Tx tx, String tenantId, Device d) {
        if (d == null) {
            throw Rejection.missing("device", "device is required");
        }
        if (!tenantId.equals(d.tenantId())) {
            throw Rejection.invalid("tenantId", "the device's tenantId must be the tenant it is created for");
        }
        if (!d.id().startsWith(Device.ID_PREFIX) || !Ids.isValidGeneratedId(d.id())) {
            throw Rejection.invalid("id", "id must be " + Device.ID_PREFIX
                    + " followed by 1-64 letters, digits, '_' or '-'");
        }
        if (tx.state().devices().containsKey(d.id())) {
            throw Rejection.conflict(Codes.DEVICE_EXISTS, "device " + d.id() + " already exists");
        }
        Endpoint endpoint = tx.state().endpoints().get(d.endpointId());
        if (endpoint == null) {
            throw Rejection.notFound(Codes.ENDPOINT_NOT_FOUND, "endpoint " + d.endpointId() + " not found");
        }
        if (endpoint.provider() == ProviderType.CLOUD_API) {
            throw Rejection.unprocessable(Codes.PAIRING_NOT_SUPPORTED, "endpointId", "endpoint " + endpoint.id()
                    + " is a cloud-api endpoint: the Cloud API has no devices to pair (its number is registered "
                    + "with Meta)");
        }
        checkDeviceName(d.deviceName());
        checkPhone(d.phoneNumber());
        // As given: the ingress puts WHATSAPP_MAX_RECONNECT_ATTEMPTS in when the caller gave none, and 0 is "never".
        int max = d.maxReconnectAttempts();
        checkMaxReconnectAttempts(max);
        Device created = new Device(d.id(), tenantId, endpoint.id(), d.deviceName(), d.phoneNumber(),
                DeviceStatus.DISCONNECTED, null, null, 0, max, tx.now, tx.now);
        tx.put(created);
        return new Applied(201, "device", d.id(), "created", null, json(created));
    }

    private Applied updateDevice(Tx tx, String id, DevicePatch p) {
        Device current = existingDevice(tx.state(), id);
        Drafts.DeviceDraft d = new Drafts.DeviceDraft(current);
        if (p.deviceName() != null) {
            checkDeviceName(p.deviceName());
            d.deviceName = p.deviceName();
        }
        if (p.phoneNumber() != null) {
            // "" clears the number: null already means "leave it".
            d.phoneNumber = p.phoneNumber().isEmpty() ? null : p.phoneNumber();
            checkPhone(d.phoneNumber);
        }
        if (p.maxReconnectAttempts() != null) {
            checkMaxReconnectAttempts(p.maxReconnectAttempts());
            d.maxReconnectAttempts = p.maxReconnectAttempts();
        }
        if (!d.build().equals(current)) {
            d.updatedAt = tx.now;
            tx.put(d.build());
        }
        return changedOrNot(tx, 200, "device", id, null, json(tx.state().devices().get(id)));
    }

    private Applied deleteDevice(Tx tx, String id) {
        existingDevice(tx.state(), id);
        tx.removeDevice(id);
        return new Applied(200, "device", id, "deleted", null, null);
    }

    private static Device existingDevice(TenantState s, String id) {
        Device d = id == null ? null : s.devices().get(id);
        if (d == null) {
            throw Rejection.notFound(Codes.DEVICE_NOT_FOUND, "device " + id + " not found");
        }
        return d;
    }

    private static void checkDeviceName(String name) {
        if (EndpointRules.blank(name)) {
            throw Rejection.missing("deviceName", "deviceName is required");
        }
        if (name.length() > MAX_NAME || EndpointRules.hasControlCharacters(name)) {
            throw Rejection.invalid("deviceName", "deviceName must be at most " + MAX_NAME + " printable characters");
        }
    }

    private static void checkPhone(String phone) {
        if (phone != null && !PHONE.matcher(phone).matches()) {
            throw Rejection.invalid("phoneNumber", "phoneNumber must be in E.164 form, e.g. +14155550123");
        }
    }

    private static void checkMaxReconnectAttempts(int max) {
        if (max < 0 || max > MAX_RECONNECT_ATTEMPTS) {
            throw Rejection.invalid("maxReconnectAttempts", "maxReconnectAttempts must be between 0 and "
                    + MAX_RECONNECT_ATTEMPTS);
        }
    }

    // --- API keys ---

    private Applied issueApiKey(Tx tx, String tenantId, ApiKey k) {
        if (k == null) {
            throw Rejection.missing("key", "key is required");
        }
        if (!tenantId.equals(k.tenantId())) {
            throw Rejection.invalid("tenantId", "the key's tenantId must be the tenant it is issued for");
        }
        if (!Ids.isValidGeneratedId(k.keyId())) {
            throw Rejection.invalid("keyId", "keyId must be a generated id such as key_...");
        }
        if (tx.state().apiKeys().containsKey(k.keyId())) {
            throw Rejection.conflict(Codes.API_KEY_EXISTS, "API key " + k.keyId() + " already exists");
        }
        if (!SHA256_HEX.matcher(k.sha256Hex()).matches()) {
            throw Rejection.invalid("sha256Hex", "sha256Hex must be 64 hexadecimal characters");
        }
        if (k.revokedAt() != null) {
            throw Rejection.invalid("revokedAt", "a new key cannot be revoked already");
        }
        if (k.prefix() != null && (k.prefix().length() > 64 || EndpointRules.hasControlCharacters(k.prefix()))) {
            throw Rejection.invalid("prefix", "prefix must be at most 64 printable characters");
        }
        ApiKey issued = new ApiKey(k.keyId(), tenantId, k.prefix(), k.sha256Hex(), tx.now, null);
        tx.put(issued);
        return new Applied(201, "apikey", k.keyId(), "created", null, keyJson(issued));
    }

    private Applied revokeApiKey(Tx tx, String keyId) {
        ApiKey k = keyId == null ? null : tx.state().apiKeys().get(keyId);
        if (k == null) {
            throw Rejection.notFound(Codes.API_KEY_NOT_FOUND, "API key " + keyId + " not found");
        }
        if (k.revoked()) {
            return new Applied(200, "apikey", keyId, null, "already revoked", keyJson(k));
        }
        ApiKey revoked = new ApiKey(k.keyId(), k.tenantId(), k.prefix(), k.sha256Hex(), k.createdAt(), tx.now);
        tx.put(revoked);
        return new Applied(200, "apikey", keyId, "revoked", null, keyJson(revoked));
    }

    /** A key as the API lists it: never its hash. */
    private static JsonNode keyJson(ApiKey k) {
        ObjectNode node = MAPPER.valueToTree(k);
        node.remove("sha256Hex");
        return node;
    }

    // --- shared ---

    private static void requireTenant(TenantState s) {
        if (!s.initialised()) {
            throw Rejection.notFound(Codes.TENANT_NOT_FOUND, "tenant " + s.tenantId() + " is not initialised");
        }
    }

    private static Applied changedOrNot(Tx tx, int status, String subject, String id, String detail,
                                        JsonNode resource) {
        if (tx.changed()) {
            return new Applied(status, subject, id, "updated", detail, resource);
        }
        return new Applied(status, subject, id, null, detail != null ? detail : "nothing changed", resource);
    }

    private static JsonNode json(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** The id a command is about, for its outcome. */
    static String subjectOf(ManagementCommand c) {
        ManagementCommand.Action a = c.action();
        if (a instanceof CreateEndpoint x) {
            return x.endpoint() == null ? null : x.endpoint().id();
        } else if (a instanceof UpdateEndpoint x) {
            return x.endpointId();
        } else if (a instanceof DeleteEndpoint x) {
            return x.endpointId();
        } else if (a instanceof CreateDevice x) {
            return x.device() == null ? null : x.device().id();
        } else if (a instanceof UpdateDevice x) {
            return x.deviceId();
        } else if (a instanceof DeleteDevice x) {
            return x.deviceId();
        } else if (a instanceof IssueApiKey x) {
            return x.key() == null ? null : x.key().keyId();
        } else if (a instanceof RevokeApiKey x) {
            return x.keyId();
        }
        return c.tenantId();
    }
}
