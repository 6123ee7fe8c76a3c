package com.booqing.whatsapp.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TagLimitsTest {

    private final SimpleMeterRegistry registry = registry(2);

    private static SimpleMeterRegistry registry(int maxEndpoints) {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        r.config().meterFilter(new TagLimits(Map.of("endpoint", maxEndpoints, "code", 3)));
        return r;
    }

    @Test
    void endpointsBeyondTheLimitAreCountedUnderOther() {
        for (String endpoint : new String[]{"ep_a", "ep_b", "ep_c", "ep_d", "ep_a"}) {
            registry.counter("sends", "endpoint", endpoint).increment();
        }

        assertThat(registry.counter("sends", "endpoint", "ep_a").count()).isEqualTo(2);
        assertThat(registry.counter("sends", "endpoint", "ep_b").count()).isEqualTo(1);
        assertThat(registry.find("sends").tag("endpoint", TagLimits.OTHER).counter().count()).isEqualTo(2);
        assertThat(registry.find("sends").counters()).hasSize(3);
    }

    @Test
    void valuesThatDoNotLookLikeIdsBecomeOther() {
        registry.counter("failures", "code", "rate limited: try \"later\"").increment();
        registry.counter("failures", "code", "x".repeat(65)).increment();
        registry.counter("failures", "code", "131026").increment();

        assertThat(registry.find("failures").tag("code", TagLimits.OTHER).counter().count()).isEqualTo(2);
        assertThat(registry.find("failures").tag("code", "131026").counter()).isNotNull();
    }

    @Test
    void aGaugeThatWouldStandForManyEndpointsIsDropped() {
        AtomicInteger value = new AtomicInteger(1);
        for (String endpoint : new String[]{"ep_a", "ep_b", "ep_c"}) {
            Gauge.builder("health", value, AtomicInteger::get).tag("endpoint", endpoint).register(registry);
        }

        assertThat(registry.find("health").gauges()).extracting(g -> g.getId().getTag("endpoint"))
                .containsExactlyInAnyOrder("ep_a", "ep_b");
    }

    @Test
    void zeroTurnsThePerEndpointBreakdownOff() {
        SimpleMeterRegistry off = registry(0);
        off.counter("sends", "endpoint", "ep_a", "provider", "cloud-api").increment();

        assertThat(off.find("sends").tag("endpoint", TagLimits.OTHER).tag("provider", "cloud-api").counter().count())
                .isEqualTo(1);
    }

    @Test
    void metersWithoutLimitedTagsAreLeftAlone() {
        registry.counter("webhooks", "provider", "waha").increment();

        assertThat(registry.counter("webhooks", "provider", "waha").count()).isEqualTo(1);
    }
}
