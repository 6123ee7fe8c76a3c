package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.processor.management.Drafts.DeviceDraft;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Folds what providers and the device manager report about sessions ({@link DeviceEvent}s) into the tenant's
 * devices. Pure; see MANAGEMENT.md, "Device state".
 * <ul>
 *   <li>Which devices: the event's {@code deviceId} (ignored when it names a device of another endpoint than the
 *       event's); without one, every device of the event's {@code endpointId} (one, as a rule: an endpoint's
 *       session or instance is one WhatsApp account).</li>
 *   <li>Order: an event more than {@link #CLOCK_SKEW} older than the latest one applied to the device is stale
 *       and ignored (a provider's late retry must not take a connected device back to its QR code); within that
 *       window, events apply in arrival order, as the provider's and the device manager's clocks may differ a
 *       little. An event dated after the processor's clock counts as now, so a clock running ahead cannot make
 *       the next events look stale.</li>
 *   <li>QR and pairing codes: replaced when an event carries new ones, kept while pairing or connecting,
 *       cleared when the device is connected, disconnected or in error.</li>
 *   <li>reconnectAttempts: set from a CONNECTING event whose reason reads "reconnect attempt n[/N]" (the device
 *       manager's wording), counted up by one for any other CONNECTING reason starting with "reconnect", back to
 *       0 once connected.</li>
 * </ul>
 */
final class DeviceEventFolder {
    static final Duration CLOCK_SKEW = Duration.ofSeconds(10);
    private static final Pattern ATTEMPT = Pattern.compile("(?i)^reconnect\\D*?(\\d{1,6})");

    private DeviceEventFolder() {
    }

    /**
     * @param changed the devices whose record changed (to write), in the tenant's device order
     * @param ignored why the event changed nothing, or null
     */
    record Folded(TenantState state, List<Device> changed, String ignored) {
    }

    /** @param receivedAt the processor's clock now */
    static Folded fold(TenantState s, DeviceEvent e, Instant receivedAt) {
        if (e.status() == null) {
            return new Folded(s, List.of(), "no status");
        }
        List<Device> targets;
        if (e.deviceId() != null) {
            Device d = s.devices().get(e.deviceId());
            if (d == null) {
                return new Folded(s, List.of(), "unknown device");
            }
            if (e.endpointId() != null && !e.endpointId().equals(d.endpointId())) {
                return new Folded(s, List.of(), "device of another endpoint");
            }
            targets = List.of(d);
        } else if (e.endpointId() != null) {
            targets = s.devicesOf(e.endpointId());
            if (targets.isEmpty()) {
                return new Folded(s, List.of(), "no device on the endpoint");
            }
        } else {
            return new Folded(s, List.of(), "names no device or endpoint");
        }
        Instant at = e.at() == null || e.at().isAfter(receivedAt) ? receivedAt : e.at();
        TenantState next = s;
        List<Device> changed = new ArrayList<>();
        for (Device d : targets) {
            Instant last = s.deviceEventAt().get(d.id());
            if (last != null && at.isBefore(last.minus(CLOCK_SKEW))) {
                continue;
            }
            next = next.withDeviceEventAt(d.id(), last == null || at.isAfter(last) ? at : last);
            Device folded = apply(d, e, at);
            if (!sameButForTime(folded, d)) {
                next = next.withDevice(folded);
                changed.add(folded);
            }
        }
        return new Folded(next, changed, changed.isEmpty() ? "stale or no change" : null);
    }

    private static Device apply(Device d, DeviceEvent e, Instant at) {
        DeviceDraft x = new DeviceDraft(d);
        x.status = e.status();
        switch (e.status()) {
            case PAIRING, CONNECTING -> {
                if (e.qrCode() != null) {
                    x.qrCode = e.qrCode();
                }
                if (e.pairingCode() != null) {
                    x.pairingCode = e.pairingCode();
                }
                if (e.status() == DeviceStatus.CONNECTING) {
                    x.reconnectAttempts = reconnectAttempts(d.reconnectAttempts(), e.reason());
                }
            }
            case CONNECTED -> {
                x.qrCode = null;
                x.pairingCode = null;
                x.reconnectAttempts = 0;
            }
            case DISCONNECTED, ERROR -> {
                x.qrCode = null;
                x.pairingCode = null;
            }
        }
        x.updatedAt = d.updatedAt() == null || at.isAfter(d.updatedAt()) ? at : d.updatedAt();
        return x.build();
    }

    static int reconnectAttempts(int current, String reason) {
        if (reason == null) {
            return current;
        }
        Matcher m = ATTEMPT.matcher(reason.trim());
        if (m.find()) {
            return Integer.parseInt(m.group(1));
        }
        return reason.trim().toLowerCase().startsWith("reconnect") ? current + 1 : current;
    }

    private static boolean sameButForTime(Device a, Device b) {
        DeviceDraft x = new DeviceDraft(a);
        x.updatedAt = b.updatedAt();
        return x.build().equals(b);
    }
}
