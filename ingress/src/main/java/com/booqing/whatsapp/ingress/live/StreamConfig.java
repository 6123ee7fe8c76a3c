package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.common.config.Env;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Settings of the live stream ({@code GET /api/whatsapp/stream/{tenantId}}), read once at start-up.
 *
 * @param heartbeat         INGRESS_STREAM_HEARTBEAT_MS, how often a stream gets a comment line (default 15000): the
 *                          interval in which a client that went away is noticed; {@code IngressConfig} caps it at half
 *                          the connection idle timeout, so a quiet stream is never closed as idle
 * @param maxClients        INGRESS_STREAM_MAX_CLIENTS, open streams per ingress instance (default 1000); beyond, 429
 * @param maxClientsPerTenant INGRESS_STREAM_MAX_CLIENTS_PER_TENANT (default 20); beyond, 429
 * @param clientBufferBytes INGRESS_STREAM_CLIENT_BUFFER_BYTES, what may wait for one slow client (default 1 MiB);
 *                          a client that falls further behind is disconnected (it may reconnect and resume)
 * @param tokenTtl          INGRESS_STREAM_TOKEN_TTL_MS, lifetime of a stream token (default 60000): long enough to
 *                          open the stream, short enough that a token seen in a proxy's log is of no use
 */
public record StreamConfig(Duration heartbeat, int maxClients, int maxClientsPerTenant, int clientBufferBytes,
                           Duration tokenTtl) {
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
    public static final int DEFAULT_MAX_CLIENTS = 1000;
    public static final int DEFAULT_MAX_CLIENTS_PER_TENANT = 20;
    public static final int DEFAULT_CLIENT_BUFFER_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofSeconds(60);

    public StreamConfig {
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(tokenTtl, "tokenTtl");
    }

    public StreamConfig withHeartbeat(Duration heartbeat) {
        return new StreamConfig(heartbeat, maxClients, maxClientsPerTenant, clientBufferBytes, tokenTtl);
    }

    public static StreamConfig defaults() {
        return new StreamConfig(DEFAULT_HEARTBEAT, DEFAULT_MAX_CLIENTS, DEFAULT_MAX_CLIENTS_PER_TENANT,
                DEFAULT_CLIENT_BUFFER_BYTES, DEFAULT_TOKEN_TTL);
    }

    public static StreamConfig from(Env env) {
        return new StreamConfig(
                env.duration("INGRESS_STREAM_HEARTBEAT_MS", DEFAULT_HEARTBEAT, ChronoUnit.MILLIS, 100, 300_000),
                env.integer("INGRESS_STREAM_MAX_CLIENTS", DEFAULT_MAX_CLIENTS, 1, 100_000),
                env.integer("INGRESS_STREAM_MAX_CLIENTS_PER_TENANT", DEFAULT_MAX_CLIENTS_PER_TENANT, 1, 100_000),
                env.integer("INGRESS_STREAM_CLIENT_BUFFER_BYTES", DEFAULT_CLIENT_BUFFER_BYTES, 16 * 1024,
                        64 * 1024 * 1024),
                env.duration("INGRESS_STREAM_TOKEN_TTL_MS", DEFAULT_TOKEN_TTL, ChronoUnit.MILLIS, 1000, 3_600_000));
    }
}
