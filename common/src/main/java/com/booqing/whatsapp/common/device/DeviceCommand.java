package com.booqing.whatsapp.common.device;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.Objects;

/**
 * A request to act on a device's WhatsApp session, on the device-commands topic (key: device id). The device
 * manager (in the health monitor) owns every session call to the providers; the ingress only asks.
 *
 * @param phoneNumber for CONNECT: ask for a pairing code for this number instead of (besides) a QR code
 */
public record DeviceCommand(String commandId, String tenantId, String deviceId, Action action, String phoneNumber,
                            Instant requestedAt) {

    public DeviceCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(action, "action");
    }

    public enum Action {
        CONNECT, DISCONNECT, REFRESH_STATUS;

        @JsonValue
        public String wireName() {
            return name().toLowerCase().replace('_', '-');
        }

        @JsonCreator
        public static Action fromWire(String name) {
            return valueOf(name.toUpperCase().replace('-', '_'));
        }
    }
}
