package com.booqing.whatsapp.health.device;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.health.Publisher;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes the monitor's {@link DeviceEvent}s on the events topic, keyed {@code tenantId:device:deviceId} so one
 * device's events stay in order, and remembers the last status it published per device: until the processor has
 * folded it into the devices topic, that is the freshest thing known. Thread-safe.
 *
 * <p>Event ids are deterministic: a hash of the device, the cause (the command id, "qr", a reconnect episode...),
 * the status, the provider status and the QR / pairing code, so a command carried out twice publishes the same
 * ids.
 */
public final class DeviceEvents {
    public static final String SOURCE = "health-monitor";

    /** A device status and when it was established. */
    public record Known(DeviceStatus status, Instant at) {
    }

    private final Publisher publisher;
    private final Clock clock;
    private final Map<String, Known> published = new ConcurrentHashMap<>();

    public DeviceEvents(Publisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    public static String key(String tenantId, String deviceId) {
        return tenantId + ":device:" + deviceId;
    }

    public DeviceEvent publish(Device d, DeviceStatus status, String providerStatus, String qrCode, String pairingCode,
                               String reason, String cause) {
        return publish(d.tenantId(), d.endpointId(), d.id(), status, providerStatus, qrCode, pairingCode, reason,
                cause);
    }

    public DeviceEvent publish(String tenantId, String endpointId, String deviceId, DeviceStatus status,
                               String providerStatus, String qrCode, String pairingCode, String reason, String cause) {
        return publishAt(clock.instant(), tenantId, endpointId, deviceId, status, providerStatus, qrCode, pairingCode,
                reason, cause);
    }

    /** As {@link #publish}, for an event that happened at {@code at} (a moment ago, on another thread). */
    public DeviceEvent publishAt(Instant at, String tenantId, String endpointId, String deviceId, DeviceStatus status,
                                 String providerStatus, String qrCode, String pairingCode, String reason,
                                 String cause) {
        DeviceEvent event = new DeviceEvent(tenantId, endpointId, deviceId, status, providerStatus, qrCode,
                pairingCode, reason, at);
        String eventId = EventIds.eventId(tenantId, "device", deviceId, cause, status.wireName(),
                providerStatus, qrCode, pairingCode);
        publisher.event(key(tenantId, deviceId), new Envelope(eventId, tenantId, at, SOURCE, event));
        published.merge(deviceId, new Known(status, at), (old, now) -> now.at().isBefore(old.at()) ? old : now);
        return event;
    }

    /**
     * The device's status as best known: the devices topic's record or this instance's last event for it,
     * whichever is newer.
     */
    public Known lastKnown(Device fromTopic) {
        Known ours = published.get(fromTopic.id());
        Known theirs = new Known(fromTopic.status(), fromTopic.updatedAt() == null ? Instant.EPOCH
                : fromTopic.updatedAt());
        return ours != null && ours.at().isAfter(theirs.at()) ? ours : theirs;
    }

    public void forget(String deviceId) {
        published.remove(deviceId);
    }
}
