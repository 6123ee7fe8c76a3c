package com.booqing.whatsapp.common.metrics;

import com.booqing.whatsapp.common.config.ConfigException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A small HTTP server for the services that have no other: {@code GET /metrics} (Prometheus text format 0.0.4)
 * and {@code GET /healthz} (200 {@code {"status":"ok"}} while the service works, else 503). Anything else is a
 * JSON {@code {code,message}} 404 or 405. Two daemon threads: scrapes are rare and must not stop the JVM exiting.
 */
public final class MetricsServer implements AutoCloseable {
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;
    private final ExecutorService threads;

    private MetricsServer(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * @param portVariable named in the error when the port cannot be bound
     * @param healthy      what {@code /healthz} reports; called on each request
     * @throws ConfigException when the address cannot be bound (taken, or not an address of this host)
     */
    public static MetricsServer start(MetricsSettings settings, String portVariable, PrometheusMeterRegistry registry,
                                      BooleanSupplier healthy) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 16);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(portVariable, "cannot be bound on " + MetricsSettings.HOST + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        AtomicInteger n = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "metrics-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", exchange -> handle(exchange, registry, healthy));
        server.start();
        log.info("metrics on http://{}:{}/metrics", settings.host(), server.getAddress().getPort());
        return new MetricsServer(server, threads);
    }

    /** The bound port (useful when configured with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange, PrometheusMeterRegistry registry, BooleanSupplier healthy)
            throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean known = "/metrics".equals(path) || "/healthz".equals(path);
            if (!known) {
                send(exchange, 404, "application/json", "{\"code\":\"not_found\",\"message\":\"no such path\"}");
            } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "application/json",
                        "{\"code\":\"method_not_allowed\",\"message\":\"only GET is allowed\"}");
            } else if ("/metrics".equals(path)) {
                send(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
            } else {
                boolean ok = healthy.getAsBoolean();
                send(exchange, ok ? 200 : 503, "application/json",
                        ok ? "{\"status\":\"ok\"}" : "{\"status\":\"unavailable\"}");
            }
        } catch (RuntimeException e) {
            // A failing scrape must not kill the server's thread; the client sees the connection end.
            log.warn("metrics request failed: {}", e.toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
