package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngressConfigTest {
    static final String KEY = "a-long-enough-admin-key";

    @Test
    void refusesToStartWithoutAnAdminKey() {
        assertThatThrownBy(() -> IngressConfig.from(new Env(Map.of())))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.variable()).isEqualTo("WHATSAPP_ADMIN_API_KEY"));
    }

    @Test
    void refusesAShortAdminKeyWithoutEchoingIt() {
        assertThatThrownBy(() -> IngressConfig.from(new Env(Map.of("WHATSAPP_ADMIN_API_KEY", "short-key"))))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.variable()).isEqualTo("WHATSAPP_ADMIN_API_KEY");
                    assertThat(e.getMessage()).doesNotContain("short-key");
                });
    }

    @Test
    void defaultsMatchTheDocumentedOnes() {
        IngressConfig config = IngressConfig.from(new Env(Map.of("WHATSAPP_ADMIN_API_KEY", KEY)));

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.maxBodyBytes()).isEqualTo(3 * 1024 * 1024);
        assertThat(config.kafkaAckTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.webhookRatePerSecond()).isEqualTo(500);
        assertThat(config.maxHeaderBytes()).isEqualTo(16 * 1024);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void readsItsVariables() {
        IngressConfig config = IngressConfig.from(new Env(Map.of("WHATSAPP_ADMIN_API_KEY", KEY,
                "INGRESS_PORT", "9091", "INGRESS_HOST", "127.0.0.1", "INGRESS_MAX_BODY_BYTES", "2048",
                "INGRESS_KAFKA_ACK_TIMEOUT_MS", "1500", "INGRESS_WEBHOOK_RATE_PER_SECOND", "50",
                "INGRESS_MAX_HEADER_BYTES", "32768", "INGRESS_IDLE_TIMEOUT_MS", "10000",
                "INGRESS_HEADER_TIMEOUT_MS", "2500")));

        assertThat(config.port()).isEqualTo(9091);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.maxBodyBytes()).isEqualTo(2048);
        assertThat(config.kafkaAckTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.webhookRatePerSecond()).isEqualTo(50);
        assertThat(config.maxHeaderBytes()).isEqualTo(32768);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.headerTimeout()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void readsTheManagementVariables() {
        IngressConfig defaults = IngressConfig.from(new Env(Map.of("WHATSAPP_ADMIN_API_KEY", KEY)));
        IngressConfig config = IngressConfig.from(new Env(Map.of("WHATSAPP_ADMIN_API_KEY", KEY,
                "INGRESS_COMMAND_WAIT_MS", "1500", "INGRESS_PROJECTION_WAIT_MS", "700",
                "INGRESS_CONNECT_WAIT_MS", "3000", "INGRESS_AUTH_FAILURE_LIMIT", "3",
                "INGRESS_AUTH_FAILURE_WINDOW_MS", "5000", "WHATSAPP_WEBHOOK_BASE_URL", "https://gw.example.com")));

        assertThat(defaults.management().commandWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.management().projectionWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(defaults.management().connectWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.management().authFailureLimit()).isEqualTo(10);
        assertThat(config.management().commandWait()).isEqualTo(Duration.ofMillis(1500));
        assertThat(config.management().projectionWait()).isEqualTo(Duration.ofMillis(700));
        assertThat(config.management().connectWait()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.management().authFailureLimit()).isEqualTo(3);
        assertThat(config.management().authFailureWindow()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.management().gateway().webhookUrl("t1", "ep_1"))
                .isEqualTo("https://gw.example.com/api/whatsapp/webhook/t1/ep_1");
    }

    @Test
    void refusesARateLimitOfZero() {
        assertThatThrownBy(() -> IngressConfig.from(new Env(Map.of("WHATSAPP_ADMIN_API_KEY", KEY,
                "INGRESS_WEBHOOK_RATE_PER_SECOND", "0"))))
                .isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.variable()).isEqualTo("INGRESS_WEBHOOK_RATE_PER_SECOND"));
    }

    @Test
    void neverShowsTheAdminKey() {
        IngressConfig config = IngressConfig.from(new Env(Map.of("WHATSAPP_ADMIN_API_KEY", KEY,
                "REDIS_URL", "redis://:redis-password-123@127.0.0.1:6379")));

        assertThat(config.toString()).doesNotContain(KEY).doesNotContain("redis-password-123");
    }
}
