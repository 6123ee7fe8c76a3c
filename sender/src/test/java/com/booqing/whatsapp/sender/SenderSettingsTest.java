package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SenderSettingsTest {

    private static SenderSettings from(Map<String, String> vars) {
        Env env = new Env(vars);
        return SenderSettings.from(env, GatewayConfig.from(env));
    }

    @Test
    void defaultsFollowTheBriefAndTheCloudApisThroughput() {
        SenderSettings s = from(Map.of());

        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.retries()).isEqualTo(3);
        assertThat(s.breaker().ratePerSecond()).containsEntry(ProviderType.CLOUD_API, 80.0)
                .containsEntry(ProviderType.WAHA, 80.0).containsEntry(ProviderType.EVOLUTION, 80.0);
        assertThat(s.breaker().openWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.backoffBase()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.backoffMax()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.groupId()).isEqualTo("whatsapp-sender");
    }

    @Test
    void defaultConcurrencyLetsAnEndpointUseItsRateLimitAtTheProvidersUsualLatency() {
        SenderSettings s = from(Map.of());
        double callSeconds = 0.4; // a Cloud API call takes 100 to 400 ms

        assertThat(s.workersPerEndpoint())
                .isGreaterThanOrEqualTo((int) (s.breaker().ratePerSecond().get(ProviderType.CLOUD_API) * callSeconds));
        // results waiting for their acknowledgement keep their place in the lane but no worker
        assertThat(s.endpointQueue()).isGreaterThanOrEqualTo(4 * s.workersPerEndpoint());
    }

    @Test
    void rateCanBeSetForAllAndPerProvider() {
        SenderSettings s = from(Map.of("SENDER_RATE_PER_SECOND_DEFAULT", "20", "SENDER_RATE_PER_SECOND_WAHA", "2"));

        assertThat(s.breaker().ratePerSecond()).containsEntry(ProviderType.CLOUD_API, 20.0)
                .containsEntry(ProviderType.WAHA, 2.0).containsEntry(ProviderType.EVOLUTION, 20.0);
    }

    @Test
    void leaseMarginDefaultsToThirtySecondsAndRefusesLessThanOne() {
        assertThat(from(Map.of()).leaseMargin()).isEqualTo(Duration.ofSeconds(30));
        assertThat(from(Map.of("SENDER_LEASE_MARGIN_MS", "5000")).leaseMargin()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> from(Map.of("SENDER_LEASE_MARGIN_MS", "200")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SENDER_LEASE_MARGIN_MS");
    }

    @Test
    void groupFollowsTheTopicPrefix() {
        assertThat(from(Map.of("WHATSAPP_TOPIC_PREFIX", "staging.")).groupId()).isEqualTo("staging.whatsapp-sender");
        assertThat(from(Map.of("SENDER_GROUP_ID", "mine")).groupId()).isEqualTo("mine");
    }

    @Test
    void errorsNameTheVariable() {
        assertThatThrownBy(() -> from(Map.of("SENDER_BACKOFF_BASE_MS", "5000", "SENDER_BACKOFF_MAX_MS", "100")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SENDER_BACKOFF_MAX_MS");
        assertThatThrownBy(() -> from(Map.of("SENDER_WORKERS_PER_ENDPOINT", "lots")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SENDER_WORKERS_PER_ENDPOINT");
    }
}
