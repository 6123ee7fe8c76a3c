package com.booqing.whatsapp.processor.management;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceEventFolderTest {
    private static final Instant NOW = Instant.parse("2025-06-09T10:00:00Z");
    private static final TenantState STATE = TenantState.empty("acme").withDevice(new Device("dev_1", "acme", "ep_w",
            "Front desk", null, DeviceStatus.DISCONNECTED, null, null, 0, 5, NOW, NOW));

    private static DeviceEvent event(DeviceStatus status, String qr, Instant at) {
        return new DeviceEvent("acme", "ep_w", null, status, null, qr, null, null, at);
    }

    @Test
    void readsTheAttemptNumberFromTheDeviceManagersReason() {
        assertThat(DeviceEventFolder.reconnectAttempts(0, "reconnect attempt 3/5")).isEqualTo(3);
        assertThat(DeviceEventFolder.reconnectAttempts(4, "Reconnecting, attempt 1 of 5")).isEqualTo(1);
    }

    @Test
    void countsOtherReconnectReasonsAndIgnoresTheRest() {
        assertThat(DeviceEventFolder.reconnectAttempts(2, "reconnect after logout")).isEqualTo(3);
        assertThat(DeviceEventFolder.reconnectAttempts(2, "session starting")).isEqualTo(2);
        assertThat(DeviceEventFolder.reconnectAttempts(2, null)).isEqualTo(2);
    }

    @Test
    void aClockRunningAheadDoesNotMakeTheNextEventsStale() {
        DeviceEventFolder.Folded ahead = DeviceEventFolder.fold(STATE,
                event(DeviceStatus.PAIRING, "2@ahead", NOW.plusSeconds(3600)), NOW);
        DeviceEventFolder.Folded next = DeviceEventFolder.fold(ahead.state(),
                event(DeviceStatus.CONNECTED, null, NOW.minusSeconds(5)), NOW);

        assertThat(ahead.changed()).singleElement().satisfies(d -> assertThat(d.updatedAt()).isEqualTo(NOW));
        assertThat(next.changed()).singleElement()
                .satisfies(d -> assertThat(d.status()).isEqualTo(DeviceStatus.CONNECTED));
    }

    @Test
    void anEventOlderThanTheClockSkewIsStale() {
        DeviceEventFolder.Folded connected = DeviceEventFolder.fold(STATE,
                event(DeviceStatus.CONNECTED, null, NOW), NOW);
        DeviceEventFolder.Folded lateRetry = DeviceEventFolder.fold(connected.state(),
                event(DeviceStatus.PAIRING, "2@old", NOW.minus(DeviceEventFolder.CLOCK_SKEW).minusSeconds(1)), NOW);

        assertThat(lateRetry.changed()).isEmpty();
        assertThat(lateRetry.state().devices().get("dev_1").status()).isEqualTo(DeviceStatus.CONNECTED);
    }
}
