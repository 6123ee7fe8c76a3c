package com.booqing.whatsapp.health;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostSlotsTest {
    private static final String A = "http://10.0.0.1:3000";
    private static final String B = "https://graph.facebook.com";

    private final HostSlots slots = new HostSlots(2);

    @Test
    void checksBeyondTheLimitOfOneHostWaitTheirTurnInOrder() {
        assertThat(slots.tryAcquire(A)).isTrue();
        assertThat(slots.tryAcquire(A)).isTrue();
        assertThat(slots.tryAcquire(A)).isFalse();
        slots.await(A, "ep_3");
        slots.await(A, "ep_4");

        // Each check that ends hands its slot to the next one waiting.
        assertThat(slots.release(A)).contains("ep_3");
        assertThat(slots.release(A)).contains("ep_4");
        assertThat(slots.inFlight(A)).isEqualTo(2);
        assertThat(slots.release(A)).isEmpty();
        assertThat(slots.release(A)).isEmpty();
        assertThat(slots.inFlight(A)).isZero();
    }

    @Test
    void aBusyHostDoesNotHoldUpAnother() {
        slots.tryAcquire(A);
        slots.tryAcquire(A);
        slots.await(A, "ep_slow");

        assertThat(slots.tryAcquire(B)).isTrue();
        assertThat(slots.waiting(A)).isEqualTo(1);
        assertThat(slots.waiting(B)).isZero();
    }

    @Test
    void hostIsTheSchemeHostAndPortOfTheApiUrl() {
        assertThat(HostSlots.hostOf("http://127.0.0.1:9090")).isEqualTo("http://127.0.0.1:9090");
        assertThat(HostSlots.hostOf("https://Graph.Facebook.com/v23.0")).isEqualTo("https://graph.facebook.com");
        assertThat(HostSlots.hostOf("http://waha.example:3000/base/")).isEqualTo("http://waha.example:3000");
    }
}
