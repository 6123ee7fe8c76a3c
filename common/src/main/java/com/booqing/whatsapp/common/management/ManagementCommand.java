package com.booqing.whatsapp.common.management;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Instant;
import java.util.Objects;

/**
 * A change to a tenant's configuration, endpoints, devices or API keys, on the management-commands topic
 * (key: tenant id). The processor is the single writer per tenant: it checks each command against the tenant's
 * current state, applies it to the compacted topics, and answers with one {@link CommandOutcome}.
 * The ingress builds commands from REST calls; ids and sealed secrets are made there, invariants are checked
 * by the processor.
 */
public record ManagementCommand(String commandId, String tenantId, Instant requestedAt, Action action) {

    public ManagementCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(action, "action");
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = InitTenant.class, name = "tenant.init"),
            @JsonSubTypes.Type(value = UpdateTenant.class, name = "tenant.update"),
            @JsonSubTypes.Type(value = CreateEndpoint.class, name = "endpoint.create"),
            @JsonSubTypes.Type(value = UpdateEndpoint.class, name = "endpoint.update"),
            @JsonSubTypes.Type(value = DeleteEndpoint.class, name = "endpoint.delete"),
            @JsonSubTypes.Type(value = CreateDevice.class, name = "device.create"),
            @JsonSubTypes.Type(value = UpdateDevice.class, name = "device.update"),
            @JsonSubTypes.Type(value = DeleteDevice.class, name = "device.delete"),
            @JsonSubTypes.Type(value = IssueApiKey.class, name = "apikey.issue"),
            @JsonSubTypes.Type(value = RevokeApiKey.class, name = "apikey.revoke"),
    })
    public sealed interface Action {
    }

    /** Creates the tenant's configuration; fields left null take the defaults from the environment. */
    public record InitTenant(TenantConfigPatch configuration) implements Action {
    }

    /** Changes the given fields of the configuration; null fields are left as they are. */
    public record UpdateTenant(TenantConfigPatch patch) implements Action {
    }

    /** A new endpoint, id and webhook URL chosen and secrets sealed by the ingress. */
    public record CreateEndpoint(Endpoint endpoint) implements Action {
    }

    public record UpdateEndpoint(String endpointId, EndpointPatch patch) implements Action {
    }

    public record DeleteEndpoint(String endpointId) implements Action {
    }

    public record CreateDevice(Device device) implements Action {
    }

    public record UpdateDevice(String deviceId, DevicePatch patch) implements Action {
    }

    public record DeleteDevice(String deviceId) implements Action {
    }

    public record IssueApiKey(ApiKey key) implements Action {
    }

    public record RevokeApiKey(String keyId) implements Action {
    }

    /** The brief's WhatsAppConfiguration fields; null means "not given". */
    public record TenantConfigPatch(
            String primaryEndpointId,
            Boolean failoverEnabled,
            Boolean autoReconnect,
            Integer reconnectInterval,
            Integer healthCheckInterval,
            Integer webhookRetries,
            Integer messageTimeout) {
    }

    /** Endpoint fields a tenant may change; null means "leave as is". Secrets arrive sealed. */
    public record EndpointPatch(
            String name,
            String apiUrl,
            String apiVersion,
            String phoneNumberId,
            String sessionName,
            String instanceName,
            Sealed apiKey,
            Sealed webhookSecret,
            Sealed verifyToken,
            Boolean isActive,
            Boolean isPrimary,
            Integer weight) {
    }

    public record DevicePatch(String deviceName, String phoneNumber, Integer maxReconnectAttempts) {
    }
}
