package com.booqing.whatsapp.common.kafka;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceCommand;
import com.booqing.whatsapp.common.device.DeviceSession;
import com.booqing.whatsapp.common.management.ApiKey;
import com.booqing.whatsapp.common.management.CommandOutcome;
import com.booqing.whatsapp.common.management.ManagementCommand;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.time.Duration;
import java.util.List;

/**
 * The topic catalogue. Built once from a name prefix (empty in production, unique per integration test) and
 * passed to whoever produces or consumes; no topology or client spells a topic name itself.
 * docs/ARCHITECTURE.md describes each topic; keep the two in step.
 *
 * @param webhooksRaw        verified webhooks, raw body bytes; what operators replay
 * @param webhooksDeadLetter raw webhooks the processor could not handle, with the reason in headers
 * @param events             canonical events (messages, receipts, device and configuration changes)
 * @param sendCommands       send requests from Booqing's systems and the REST API
 * @param sendResults        one result per send command
 * @param sendDeadLetter     send commands that could not even be read
 * @param tenantConfig       compacted: tenant configuration, key tenant id
 * @param endpoints          compacted: endpoints with sealed secrets, key endpoint id
 * @param devices            compacted: devices, key device id
 * @param endpointHealth     compacted: health monitor's state per endpoint, key endpoint id
 * @param managementCommands changes to tenants, endpoints, devices and keys, key tenant id (single writer per tenant)
 * @param managementOutcomes one outcome per management command, key command id
 * @param apiKeys            compacted: per-tenant API keys (hashes only), key key id
 * @param deviceCommands     connect / disconnect / refresh-status requests, key device id
 * @param deviceSessions     compacted: sealed device session data, key device id
 */
public record Topics(
        Topic<String, byte[]> webhooksRaw,
        Topic<String, byte[]> webhooksDeadLetter,
        Topic<String, Envelope> events,
        Topic<String, SendCommand> sendCommands,
        Topic<String, SendResult> sendResults,
        Topic<String, byte[]> sendDeadLetter,
        Topic<String, TenantConfiguration> tenantConfig,
        Topic<String, Endpoint> endpoints,
        Topic<String, Device> devices,
        Topic<String, EndpointHealth> endpointHealth,
        Topic<String, ManagementCommand> managementCommands,
        Topic<String, CommandOutcome> managementOutcomes,
        Topic<String, ApiKey> apiKeys,
        Topic<String, DeviceCommand> deviceCommands,
        Topic<String, DeviceSession> deviceSessions) {

    /** Meta retries a webhook for up to 7 days; raw webhooks outlive that so a replay can cover it. */
    public static final Duration RAW_RETENTION = Duration.ofDays(14);
    public static final Duration DATA_RETENTION = Duration.ofDays(7);
    public static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(30);
    public static final Duration TOMBSTONE_RETENTION = Duration.ofDays(1);
    public static final int DEFAULT_PARTITIONS = 6;
    public static final int COMPACTED_PARTITIONS = 3;

    public static Topics production() {
        return withPrefix("", DEFAULT_PARTITIONS);
    }

    /** @param prefix prepended to every name; lets tests and shared clusters keep apart */
    public static Topics withPrefix(String prefix, int partitions) {
        Serde<String> s = Serdes.String();
        Serde<byte[]> b = Serdes.ByteArray();
        int compacted = Math.min(partitions, COMPACTED_PARTITIONS);
        return new Topics(
                new Topic<>(prefix + "whatsapp.webhooks.raw", s, b, partitions, Topic.Cleanup.DELETE, RAW_RETENTION),
                new Topic<>(prefix + "whatsapp.webhooks.dlq", s, b, 1, Topic.Cleanup.DELETE, DEAD_LETTER_RETENTION),
                new Topic<>(prefix + "whatsapp.events", s, JsonSerde.of(Envelope.class), partitions,
                        Topic.Cleanup.DELETE, DATA_RETENTION),
                new Topic<>(prefix + "whatsapp.messages.send", s, JsonSerde.of(SendCommand.class), partitions,
                        Topic.Cleanup.DELETE, DATA_RETENTION),
                new Topic<>(prefix + "whatsapp.messages.results", s, JsonSerde.of(SendResult.class), partitions,
                        Topic.Cleanup.DELETE, DATA_RETENTION),
                new Topic<>(prefix + "whatsapp.messages.dlq", s, b, 1, Topic.Cleanup.DELETE, DEAD_LETTER_RETENTION),
                new Topic<>(prefix + "whatsapp.config", s, JsonSerde.of(TenantConfiguration.class), compacted,
                        Topic.Cleanup.COMPACT, TOMBSTONE_RETENTION),
                new Topic<>(prefix + "whatsapp.endpoints", s, JsonSerde.of(Endpoint.class), compacted,
                        Topic.Cleanup.COMPACT, TOMBSTONE_RETENTION),
                new Topic<>(prefix + "whatsapp.devices", s, JsonSerde.of(Device.class), compacted,
                        Topic.Cleanup.COMPACT, TOMBSTONE_RETENTION),
                new Topic<>(prefix + "whatsapp.health.endpoints", s, JsonSerde.of(EndpointHealth.class), compacted,
                        Topic.Cleanup.COMPACT, TOMBSTONE_RETENTION),
                new Topic<>(prefix + "whatsapp.management.commands", s, JsonSerde.of(ManagementCommand.class),
                        partitions, Topic.Cleanup.DELETE, DATA_RETENTION),
                new Topic<>(prefix + "whatsapp.management.outcomes", s, JsonSerde.of(CommandOutcome.class),
                        partitions, Topic.Cleanup.DELETE, Duration.ofDays(1)),
                new Topic<>(prefix + "whatsapp.apikeys", s, JsonSerde.of(ApiKey.class), compacted,
                        Topic.Cleanup.COMPACT, TOMBSTONE_RETENTION),
                new Topic<>(prefix + "whatsapp.devices.commands", s, JsonSerde.of(DeviceCommand.class), partitions,
                        Topic.Cleanup.DELETE, DATA_RETENTION),
                new Topic<>(prefix + "whatsapp.devices.sessions", s, JsonSerde.of(DeviceSession.class), compacted,
                        Topic.Cleanup.COMPACT, TOMBSTONE_RETENTION));
    }

    public List<Topic<?, ?>> all() {
        return List.of(webhooksRaw, webhooksDeadLetter, events, sendCommands, sendResults, sendDeadLetter,
                tenantConfig, endpoints, devices, endpointHealth, managementCommands, managementOutcomes, apiKeys,
                deviceCommands, deviceSessions);
    }
}
