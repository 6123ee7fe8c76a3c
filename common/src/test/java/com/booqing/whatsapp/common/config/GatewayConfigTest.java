package com.booqing.whatsapp.common.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayConfigTest {

    @Test
    void usesTheBriefsDefaultsWhenNothingIsSet() {
        GatewayConfig c = GatewayConfig.from(new Env(Map.of()));

        assertThat(c.defaultTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.defaultRetries()).isEqualTo(3);
        assertThat(c.healthCheckInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.reconnectInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxReconnectAttempts()).isEqualTo(5);
        assertThat(c.redisNamespace()).isEqualTo("whatsapp");
        assertThat(c.allowPrivateEndpoints()).isFalse();
    }

    @Test
    void readsTheBriefsVariables() {
        GatewayConfig c = GatewayConfig.from(new Env(Map.of(
                "WHATSAPP_DEFAULT_TIMEOUT", "1500",
                "WHATSAPP_HEALTH_CHECK_INTERVAL", "15",
                "WHATSAPP_WEBHOOK_BASE_URL", "https://wa.example.com/",
                "KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092")));

        assertThat(c.defaultTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.healthCheckInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.kafkaBootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(c.webhookUrl("salon-1", "ep_abc"))
                .isEqualTo("https://wa.example.com/api/whatsapp/webhook/salon-1/ep_abc");
    }

    @Test
    void rejectsANonNumberNamingTheVariable() {
        assertThatThrownBy(() -> GatewayConfig.from(new Env(Map.of("WHATSAPP_DEFAULT_RETRIES", "many"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("WHATSAPP_DEFAULT_RETRIES")
                .hasMessageNotContaining("many");
    }

    @Test
    void rejectsOutOfRangeValues() {
        assertThatThrownBy(() -> GatewayConfig.from(new Env(Map.of("WHATSAPP_HEALTH_CHECK_INTERVAL", "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("WHATSAPP_HEALTH_CHECK_INTERVAL");
    }

    @Test
    void rejectsABadUrlWithoutEchoingIt() {
        assertThatThrownBy(() -> GatewayConfig.from(new Env(Map.of("REDIS_URL", "http://user:s3cret@host"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("REDIS_URL")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void missingRequiredVariableIsNamed() {
        assertThatThrownBy(() -> new Env(Map.of()).required("WHATSAPP_ADMIN_API_KEY"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("WHATSAPP_ADMIN_API_KEY is required but not set");
    }
}
