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
    }

    @Test
    void readsItsVariables() {
        IngressConfig config = IngressConfig.from(new Env(Map.of("WHATSAPP_ADMIN_API_KEY", KEY,
                "INGRESS_PORT", "9091", "INGRESS_HOST", "127.0.0.1", "INGRESS_MAX_BODY_BYTES", "2048",
                "INGRESS_KAFKA_ACK_TIMEOUT_MS", "1500")));

        assertThat(config.port()).isEqualTo(9091);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.maxBodyBytes()).isEqualTo(2048);
        assertThat(config.kafkaAckTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void neverShowsTheAdminKey() {
        IngressConfig config = IngressConfig.from(new Env(Map.of("WHATSAPP_ADMIN_API_KEY", KEY)));

        assertThat(config.toString()).doesNotContain(KEY);
    }
}
