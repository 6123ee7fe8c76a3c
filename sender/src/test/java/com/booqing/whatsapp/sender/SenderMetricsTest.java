package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.message.SendResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SenderMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SenderMetrics metrics = new SenderMetrics(registry);

    private static SendResult result(SendResult.Outcome outcome, String endpoint, ProviderType provider, String code) {
        return new SendResult("msg_1", "acme", "key-1", "+14155550100", outcome, endpoint, provider, null, code,
                code == null ? null : "reason", 1, Instant.EPOCH);
    }

    @Test
    void resultsAreCountedByOutcomeProviderEndpointAndCode() {
        metrics.result(result(SendResult.Outcome.SENT, "ep_a", ProviderType.CLOUD_API, null));
        metrics.result(result(SendResult.Outcome.FAILED, "ep_a", ProviderType.CLOUD_API, "131026"));
        metrics.result(result(SendResult.Outcome.FAILED, null, null, "no_endpoint"));

        assertThat(registry.get(SenderMetrics.RESULTS).tags("outcome", "sent", "provider", "cloud-api",
                "endpoint", "ep_a", "code", "none").counter().count()).isEqualTo(1);
        assertThat(registry.get(SenderMetrics.RESULTS).tags("outcome", "failed", "code", "131026").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(SenderMetrics.RESULTS).tags("provider", "none", "endpoint", "none",
                "code", "no_endpoint").counter().count()).isEqualTo(1);
    }

    @Test
    void rareEventsHaveSeriesAtZeroBeforeTheyHappen() {
        assertThat(registry.get(SenderMetrics.POSSIBLE_DUPLICATES).counters()).hasSize(3)
                .allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(registry.get(SenderMetrics.FAILOVERS).counter().count()).isZero();
        assertThat(registry.get(SenderMetrics.DEAD_LETTERS).counter().count()).isZero();
    }

    @Test
    void latenciesAreTimedWithHistogramsForPercentiles() {
        metrics.providerResponse(ProviderType.WAHA, "sent", Duration.ofMillis(40));
        metrics.sendLatency(result(SendResult.Outcome.SENT, "ep_a", ProviderType.WAHA, null), Duration.ofMillis(250));
        metrics.sendLatency(result(SendResult.Outcome.SENT, "ep_a", ProviderType.WAHA, null), Duration.ofMillis(-5));

        assertThat(registry.get(SenderMetrics.PROVIDER_RESPONSE).tags("provider", "waha", "outcome", "sent").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
        assertThat(registry.get(SenderMetrics.SEND_LATENCY).tags("provider", "waha").timer().count()).isEqualTo(2);
        assertThat(registry.get(SenderMetrics.SEND_LATENCY).timer().totalTime(TimeUnit.MILLISECONDS))
                .as("a clock that went backwards counts as zero").isEqualTo(250);
    }

    @Test
    void latenciesAreExportedAsHistogramsForPercentiles() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SenderMetrics exported = new SenderMetrics(prometheus);
        exported.providerResponse(ProviderType.CLOUD_API, "sent", Duration.ofMillis(40));
        exported.sendLatency(result(SendResult.Outcome.SENT, "ep_a", ProviderType.CLOUD_API, null),
                Duration.ofMillis(250));

        assertThat(prometheus.scrape())
                .contains("whatsapp_sender_provider_response_seconds_bucket{outcome=\"sent\",provider=\"cloud-api\",le=\"+Inf\"} 1")
                .contains("whatsapp_sender_send_latency_seconds_bucket{outcome=\"sent\",provider=\"cloud-api\",le=\"+Inf\"} 1")
                .contains("whatsapp_sender_send_latency_seconds_bucket{outcome=\"sent\",provider=\"cloud-api\",le=\"0.001\"} 0");
    }
}
