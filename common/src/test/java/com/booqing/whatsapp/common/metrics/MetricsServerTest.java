package com.booqing.whatsapp.common.metrics;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsServerTest {
    private static final MetricsSettings LOOPBACK = new MetricsSettings("127.0.0.1", 0, 10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusMeterRegistry registry = Meters.prometheus(LOOPBACK);
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final MetricsServer server = MetricsServer.start(LOOPBACK, "TEST_METRICS_PORT", registry, healthy::get);

    @AfterEach
    void stop() {
        server.close();
        registry.close();
    }

    @Test
    void servesTheRegistryInPrometheusTextFormat() throws Exception {
        registry.counter("whatsapp.test.things", "provider", "waha").increment(3);

        HttpResponse<String> r = get("/metrics");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsServer.PROMETHEUS_TEXT);
        assertThat(r.body()).contains("whatsapp_test_things_total{provider=\"waha\"} 3.0")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void healthzFollowsTheServiceState() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        healthy.set(false);

        HttpResponse<String> r = get("/healthz");

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("{\"status\":\"unavailable\"}");
    }

    @Test
    void unknownPathsAndMethodsGetJsonErrors() throws Exception {
        HttpResponse<String> missing = get("/admin");
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("\"code\":\"not_found\"");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.body()).contains("\"code\":\"method_not_allowed\"");
    }

    @Test
    void aTakenPortIsAConfigurationErrorNamingTheVariable() {
        MetricsSettings taken = new MetricsSettings("127.0.0.1", server.port(), 10);

        assertThatThrownBy(() -> MetricsServer.start(taken, "SENDER_METRICS_PORT", registry, () -> true))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("SENDER_METRICS_PORT cannot be bound");
    }

    @Test
    void settingsComeFromTheServicesOwnPortVariable() {
        MetricsSettings s = MetricsSettings.from(new Env(Map.of("SENDER_METRICS_PORT", "0",
                "METRICS_HOST", "127.0.0.1")), MetricsSettings.SENDER_PORT, MetricsSettings.SENDER_DEFAULT_PORT);
        MetricsSettings defaults = MetricsSettings.from(new Env(Map.of()), MetricsSettings.HEALTH_PORT,
                MetricsSettings.HEALTH_DEFAULT_PORT);

        assertThat(s).isEqualTo(new MetricsSettings("127.0.0.1", 0, MetricsSettings.DEFAULT_MAX_ENDPOINT_TAGS));
        assertThat(defaults).isEqualTo(new MetricsSettings("0.0.0.0", 9403, 1000));
        assertThatThrownBy(() -> MetricsSettings.from(new Env(Map.of("PROCESSOR_METRICS_PORT", "70000")),
                MetricsSettings.PROCESSOR_PORT, 9401)).hasMessageStartingWith("PROCESSOR_METRICS_PORT must be");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
