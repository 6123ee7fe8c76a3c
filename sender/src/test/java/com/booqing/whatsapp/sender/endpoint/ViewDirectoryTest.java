package com.booqing.whatsapp.sender.endpoint;

import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ViewDirectoryTest {
    private static final Instant CHECKED = Instant.parse("2025-06-01T12:00:00Z");
    private static final Duration MINUTE = Duration.ofSeconds(60);
    private final EndpointHealth unhealthy = new EndpointHealth("acme", "ep_a", HealthState.UNHEALTHY, null,
            "connection refused", CHECKED, CHECKED, false);

    @Test
    void verdictHoldsWhileTheMonitorRenewsIt() {
        assertThat(ViewDirectory.effective(unhealthy, MINUTE, CHECKED.plus(MINUTE.multipliedBy(15))))
                .isEqualTo(HealthState.UNHEALTHY);
    }

    @Test
    void verdictOfASilentMonitorExpiresToUnknown() {
        assertThat(ViewDirectory.effective(unhealthy, MINUTE, CHECKED.plus(MINUTE.multipliedBy(15)).plusSeconds(1)))
                .isEqualTo(HealthState.UNKNOWN);
    }
}
