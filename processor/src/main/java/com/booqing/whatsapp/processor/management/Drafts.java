package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.crypto.Sealed;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;

import java.time.Instant;

/** Mutable copies of the state records, for building the next version of one field at a time. */
final class Drafts {

    private Drafts() {
    }

    static final class EndpointDraft {
        String id;
        String tenantId;
        String name;
        ProviderType provider;
        String apiUrl;
        String apiVersion;
        String phoneNumberId;
        String sessionName;
        String instanceName;
        Sealed apiKey;
        Sealed webhookSecret;
        Sealed verifyToken;
        boolean isActive;
        boolean isPrimary;
        int weight;
        Instant createdAt;
        Instant updatedAt;

        EndpointDraft(Endpoint e) {
            id = e.id();
            tenantId = e.tenantId();
            name = e.name();
            provider = e.provider();
            apiUrl = e.apiUrl();
            apiVersion = e.apiVersion();
            phoneNumberId = e.phoneNumberId();
            sessionName = e.sessionName();
            instanceName = e.instanceName();
            apiKey = e.apiKey();
            webhookSecret = e.webhookSecret();
            verifyToken = e.verifyToken();
            isActive = e.isActive();
            isPrimary = e.isPrimary();
            weight = e.weight();
            createdAt = e.createdAt();
            updatedAt = e.updatedAt();
        }

        Endpoint build() {
            return new Endpoint(id, tenantId, name, provider, apiUrl, apiVersion, phoneNumberId, sessionName,
                    instanceName, apiKey, webhookSecret, verifyToken, isActive, isPrimary, weight, createdAt,
                    updatedAt);
        }
    }

    static Endpoint primary(Endpoint e, boolean primary, Instant now) {
        EndpointDraft d = new EndpointDraft(e);
        d.isPrimary = primary;
        d.updatedAt = now;
        return d.build();
    }

    static final class DeviceDraft {
        String id;
        String tenantId;
        String endpointId;
        String deviceName;
        String phoneNumber;
        DeviceStatus status;
        String qrCode;
        String pairingCode;
        int reconnectAttempts;
        int maxReconnectAttempts;
        Instant createdAt;
        Instant updatedAt;

        DeviceDraft(Device d) {
            id = d.id();
            tenantId = d.tenantId();
            endpointId = d.endpointId();
            deviceName = d.deviceName();
            phoneNumber = d.phoneNumber();
            status = d.status();
            qrCode = d.qrCode();
            pairingCode = d.pairingCode();
            reconnectAttempts = d.reconnectAttempts();
            maxReconnectAttempts = d.maxReconnectAttempts();
            createdAt = d.createdAt();
            updatedAt = d.updatedAt();
        }

        Device build() {
            return new Device(id, tenantId, endpointId, deviceName, phoneNumber, status, qrCode, pairingCode,
                    reconnectAttempts, maxReconnectAttempts, createdAt, updatedAt);
        }
    }

    static final class ConfigDraft {
        String tenantId;
        String primaryEndpointId;
        boolean failoverEnabled;
        boolean autoReconnect;
        int reconnectInterval;
        int healthCheckInterval;
        int webhookRetries;
        int messageTimeout;
        Instant createdAt;
        Instant updatedAt;

        ConfigDraft(TenantConfiguration c) {
            tenantId = c.tenantId();
            primaryEndpointId = c.primaryEndpointId();
            failoverEnabled = c.failoverEnabled();
            autoReconnect = c.autoReconnect();
            reconnectInterval = c.reconnectInterval();
            healthCheckInterval = c.healthCheckInterval();
            webhookRetries = c.webhookRetries();
            messageTimeout = c.messageTimeout();
            createdAt = c.createdAt();
            updatedAt = c.updatedAt();
        }

        TenantConfiguration build() {
            return new TenantConfiguration(tenantId, primaryEndpointId, failoverEnabled, autoReconnect,
                    reconnectInterval, healthCheckInterval, webhookRetries, messageTimeout, createdAt, updatedAt);
        }
    }

    static TenantConfiguration primary(TenantConfiguration c, String primaryEndpointId, Instant now) {
        ConfigDraft d = new ConfigDraft(c);
        d.primaryEndpointId = primaryEndpointId;
        d.updatedAt = now;
        return d.build();
    }
}
