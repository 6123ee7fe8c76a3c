package com.booqing.whatsapp.common.metrics;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;

/**
 * Where a service without its own HTTP server (processor, sender, health monitor) serves {@code /metrics} and
 * {@code /healthz}, and how many endpoint ids its meters may carry as tags.
 *
 * @param host            METRICS_HOST, the bind address; default {@code 0.0.0.0} so that Prometheus reaches it
 *                        from another container. The endpoint has no authentication: keep it on the internal
 *                        network, as the ingress's {@code /metrics}
 * @param port            the service's own variable (PROCESSOR_METRICS_PORT, SENDER_METRICS_PORT,
 *                        HEALTH_METRICS_PORT); 0 picks a free port (tests), distinct defaults let every service
 *                        run on one host
 * @param maxEndpointTags METRICS_MAX_ENDPOINT_TAGS, default {@value #DEFAULT_MAX_ENDPOINT_TAGS}: the first this many
 *                        endpoint ids get their own series, later ones are counted under {@code endpoint="other"};
 *                        0 turns the per-endpoint breakdown off
 */
public record MetricsSettings(String host, int port, int maxEndpointTags) {
    public static final String HOST = "METRICS_HOST";
    public static final String MAX_ENDPOINT_TAGS = "METRICS_MAX_ENDPOINT_TAGS";
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_MAX_ENDPOINT_TAGS = 1000;
    /** Provider error codes are a small set in practice; a provider inventing codes must not grow the series. */
    public static final int MAX_CODE_TAGS = 200;

    public static final String PROCESSOR_PORT = "PROCESSOR_METRICS_PORT";
    public static final String SENDER_PORT = "SENDER_METRICS_PORT";
    public static final String HEALTH_PORT = "HEALTH_METRICS_PORT";
    public static final int PROCESSOR_DEFAULT_PORT = 9401;
    public static final int SENDER_DEFAULT_PORT = 9402;
    public static final int HEALTH_DEFAULT_PORT = 9403;

    public MetricsSettings {
        if (host == null || host.isBlank()) {
            throw new ConfigException(HOST, "must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535");
        }
        if (maxEndpointTags < 0) {
            throw new IllegalArgumentException("maxEndpointTags must not be negative");
        }
    }

    /** @param portVariable the service's port variable, e.g. {@value #SENDER_PORT} */
    public static MetricsSettings from(Env env, String portVariable, int defaultPort) {
        return new MetricsSettings(
                env.string(HOST, DEFAULT_HOST),
                env.integer(portVariable, defaultPort, 0, 65535),
                env.integer(MAX_ENDPOINT_TAGS, DEFAULT_MAX_ENDPOINT_TAGS, 0, 1_000_000));
    }
}
