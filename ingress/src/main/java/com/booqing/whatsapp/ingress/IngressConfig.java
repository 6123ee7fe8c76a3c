package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.ingress.live.StreamConfig;
import com.booqing.whatsapp.ingress.management.ManagementConfig;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The ingress's own settings, read once at start-up.
 *
 * @param host           INGRESS_HOST, the address to listen on (default 0.0.0.0; tests use 127.0.0.1)
 * @param port           INGRESS_PORT (default 8080; 0 picks a free port)
 * @param adminApiKey    WHATSAPP_ADMIN_API_KEY, the bearer token of the REST API (required, at least 16 characters)
 * @param maxBodyBytes   INGRESS_MAX_BODY_BYTES, largest request body accepted (default 3 MiB)
 * @param kafkaAckTimeout INGRESS_KAFKA_ACK_TIMEOUT_MS, how long a request waits for the broker's acknowledgement
 *                       before answering 503 (default 5000)
 * @param webhookRatePerSecond INGRESS_WEBHOOK_RATE_PER_SECOND, webhooks per second accepted per
 *                       {@code tenantId/endpointId} path, with a burst of as many (default 500); beyond it 429
 * @param maxHeaderBytes INGRESS_MAX_HEADER_BYTES, largest request line plus headers (default 16 KiB); beyond it
 *                       Jetty answers 431
 * @param idleTimeout    INGRESS_IDLE_TIMEOUT_MS, how long a connection may stay silent, also halfway through a
 *                       request, before it is closed (default 30000): slow clients cannot hold threads
 * @param headerTimeout  INGRESS_HEADER_TIMEOUT_MS, how long a client may take over a request line and headers once
 *                       it began them (default 10000); then the connection is closed. The idle timeout alone would
 *                       let a client that sends a byte now and then (slowloris) keep its connection for ever
 * @param maxConnections INGRESS_MAX_CONNECTIONS, connections held open at once (default 2000); beyond it the ingress
 *                       stops accepting until one closes, so a retry storm (every provider retrying while Kafka is
 *                       away) waits in the kernel's accept queue instead of in this JVM's heap; while the limit
 *                       holds, connections idle between requests are closed after 2 s (at least the acknowledgement
 *                       wait + 1 s), so they make room
 * @param management     the management API's settings (waits, auth-failure limit, the gateway settings it uses)
 * @param stream         the live stream's settings (heartbeat, limits, token lifetime); the heartbeat is capped at
 *                       half the idle timeout, so a quiet stream is never closed as idle
 */
public record IngressConfig(String host, int port, String adminApiKey, int maxBodyBytes, Duration kafkaAckTimeout,
                            int webhookRatePerSecond, int maxHeaderBytes, Duration idleTimeout, Duration headerTimeout,
                            int maxConnections, ManagementConfig management, StreamConfig stream) {
    public static final String ADMIN_API_KEY = "WHATSAPP_ADMIN_API_KEY";
    public static final int MIN_ADMIN_KEY_LENGTH = 16;
    public static final int DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;
    public static final int DEFAULT_WEBHOOK_RATE_PER_SECOND = 500;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 2000;

    public IngressConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(adminApiKey, "adminApiKey");
        Objects.requireNonNull(kafkaAckTimeout, "kafkaAckTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(management, "management");
        Objects.requireNonNull(stream, "stream");
        if (adminApiKey.length() < MIN_ADMIN_KEY_LENGTH) {
            throw new ConfigException(ADMIN_API_KEY, "must be at least " + MIN_ADMIN_KEY_LENGTH + " characters");
        }
        if (stream.heartbeat().compareTo(idleTimeout.dividedBy(2)) > 0) {
            // A quiet stream would be closed as idle between two heartbeats.
            stream = stream.withHeartbeat(idleTimeout.dividedBy(2));
        }
    }

    public static IngressConfig from(Env env) {
        return new IngressConfig(
                env.string("INGRESS_HOST", "0.0.0.0"),
                env.integer("INGRESS_PORT", 8080, 0, 65_535),
                env.required(ADMIN_API_KEY),
                env.integer("INGRESS_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, 1024, 64 * 1024 * 1024),
                env.duration("INGRESS_KAFKA_ACK_TIMEOUT_MS", Duration.ofSeconds(5), ChronoUnit.MILLIS, 100, 60_000),
                env.integer("INGRESS_WEBHOOK_RATE_PER_SECOND", DEFAULT_WEBHOOK_RATE_PER_SECOND, 1, 1_000_000),
                env.integer("INGRESS_MAX_HEADER_BYTES", DEFAULT_MAX_HEADER_BYTES, 4 * 1024, 1024 * 1024),
                env.duration("INGRESS_IDLE_TIMEOUT_MS", DEFAULT_IDLE_TIMEOUT, ChronoUnit.MILLIS, 100, 600_000),
                env.duration("INGRESS_HEADER_TIMEOUT_MS", DEFAULT_HEADER_TIMEOUT, ChronoUnit.MILLIS, 100, 600_000),
                env.integer("INGRESS_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS, 10, 1_000_000),
                ManagementConfig.from(env),
                StreamConfig.from(env));
    }

    /** Never shows the admin key. */
    @Override
    public String toString() {
        return "IngressConfig[host=" + host + ", port=" + port + ", adminApiKey=***, maxBodyBytes=" + maxBodyBytes
                + ", kafkaAckTimeout=" + kafkaAckTimeout + ", webhookRatePerSecond=" + webhookRatePerSecond
                + ", maxHeaderBytes=" + maxHeaderBytes + ", idleTimeout=" + idleTimeout
                + ", headerTimeout=" + headerTimeout + ", maxConnections=" + maxConnections + ", management=" + management
                + ", stream=" + stream + "]";
    }
}
