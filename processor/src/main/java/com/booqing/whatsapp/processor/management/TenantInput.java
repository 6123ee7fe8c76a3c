package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What reaches a tenant's aggregate, keyed by tenant id: its commands (from the commands topic, already keyed by
 * tenant) and, through the topology's repartition topic, the device events and the records others wrote
 * straight to the compacted topics.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = TenantInput.Command.class, name = "command"),
        @JsonSubTypes.Type(value = TenantInput.DeviceReport.class, name = "device-event"),
        @JsonSubTypes.Type(value = TenantInput.SeededConfig.class, name = "seeded-config"),
        @JsonSubTypes.Type(value = TenantInput.SeededEndpoint.class, name = "seeded-endpoint"),
        @JsonSubTypes.Type(value = TenantInput.SeededDevice.class, name = "seeded-device"),
})
sealed interface TenantInput {

    /** A management command as read, decoded by the aggregate so that an unreadable one can still be answered. */
    record Command(byte[] raw) implements TenantInput {
    }

    record DeviceReport(DeviceEvent event, String eventId) implements TenantInput {
    }

    record SeededConfig(TenantConfiguration config) implements TenantInput {
    }

    record SeededEndpoint(Endpoint endpoint) implements TenantInput {
    }

    record SeededDevice(Device device) implements TenantInput {
    }
}
