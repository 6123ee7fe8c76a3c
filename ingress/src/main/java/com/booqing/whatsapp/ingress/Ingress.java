package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.ingress.conversation.ConversationHandlers;
import com.booqing.whatsapp.ingress.conversation.ConversationReader;
import com.booqing.whatsapp.ingress.http.AdminAuth;
import com.booqing.whatsapp.ingress.http.ErrorMapping;
import com.booqing.whatsapp.ingress.http.JettyErrors;
import com.booqing.whatsapp.ingress.http.Routes;
import com.booqing.whatsapp.ingress.kafka.AckedPublisher;
import com.booqing.whatsapp.ingress.message.MessageHandlers;
import com.booqing.whatsapp.ingress.message.MessageReader;
import com.booqing.whatsapp.ingress.webhook.CloudApiVerifier;
import com.booqing.whatsapp.ingress.webhook.EvolutionVerifier;
import com.booqing.whatsapp.ingress.webhook.WahaVerifier;
import com.booqing.whatsapp.ingress.webhook.WebhookHandlers;
import com.booqing.whatsapp.ingress.webhook.WebhookMetrics;
import com.booqing.whatsapp.ingress.webhook.WebhookRateLimiter;
import com.booqing.whatsapp.ingress.webhook.WebhookVerifier;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static com.booqing.whatsapp.ingress.http.Access.ADMIN;
import static com.booqing.whatsapp.ingress.http.Access.PUBLIC;

/**
 * The ingress: provider webhooks and Booqing's REST API in, Kafka records out; reads served from Redis.
 * Built from its dependencies, so tests run it in-process with fakes.
 */
public final class Ingress implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ingress.class);
    private static final Logger access = LoggerFactory.getLogger("com.booqing.whatsapp.ingress.access");

    private final IngressConfig config;
    private final IngressDependencies deps;
    private final WebhookHandlers webhooks;
    private final MessageHandlers messages;
    private final ConversationHandlers conversations;
    private final AdminAuth adminAuth;
    private final Javalin server;
    private final AtomicBoolean closed = new AtomicBoolean();

    public Ingress(IngressConfig config, IngressDependencies deps) {
        this.config = config;
        this.deps = deps;
        ObjectMapper json = Json.strict();
        AckedPublisher publisher = new AckedPublisher(deps.producer(), config.kafkaAckTimeout());
        MessageReader messageReader = new MessageReader(deps.redis(), deps.redisKeys(), json);
        List<WebhookVerifier> verifiers = List.of(new CloudApiVerifier(deps.secrets()),
                new WahaVerifier(deps.secrets()), new EvolutionVerifier(deps.secrets(), deps.clock()));
        this.webhooks = new WebhookHandlers(deps.endpoints(), verifiers, deps.secrets(), publisher, deps.topics(),
                new WebhookMetrics(deps.metrics()), deps.clock(), config.maxBodyBytes(),
                new WebhookRateLimiter(config.webhookRatePerSecond(), config.webhookRatePerSecond(),
                        WebhookRateLimiter.DEFAULT_MAX_TRACKED_PATHS, deps.nanoTime()));
        this.messages = new MessageHandlers(publisher, deps.topics(), messageReader, json, deps.clock(),
                config.maxBodyBytes(), deps.metrics());
        this.conversations = new ConversationHandlers(new ConversationReader(deps.redis(), deps.redisKeys()),
                messageReader);
        this.adminAuth = new AdminAuth(config.adminApiKey());
        this.server = Javalin.create(c -> configure(c, json));
    }

    private void configure(JavalinConfig c, ObjectMapper json) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.jsonMapper(new JavalinJackson(json, false));
        c.http.maxRequestSize = config.maxBodyBytes();
        configureJetty(c);
        c.requestLogger.http(this::logRequest);
        ErrorMapping.register(c.routes);
        c.routes.beforeMatched(adminAuth::check);

        c.routes.get("/health", this::health, PUBLIC);
        c.routes.get("/metrics", this::metrics, PUBLIC); // unauthenticated: expose only on the internal network
        c.routes.post("/api/whatsapp/webhook/{tenantId}/{endpointId}", webhooks::receive, PUBLIC);
        c.routes.post("/api/whatsapp/webhook/{tenantId}/{endpointId}/{event}", webhooks::receive, PUBLIC); // Evolution
        c.routes.get("/api/whatsapp/webhook/{tenantId}/{endpointId}", webhooks::verify, PUBLIC);
        c.routes.post("/api/whatsapp/messages/{tenantId}", messages::send, ADMIN);
        c.routes.get("/api/whatsapp/messages/{tenantId}/{messageId}", messages::get, ADMIN);
        c.routes.get("/api/whatsapp/conversations/{tenantId}", conversations::list, ADMIN);
        c.routes.get("/api/whatsapp/conversations/{tenantId}/{phone}/messages", conversations::messages, ADMIN);
    }

    /**
     * Limits Jetty enforces before any handler runs: the size of the request line plus headers (431 beyond it),
     * and the idle timeout of connections, which also ends a client that trickles a request in. The connector
     * is our own only to set that timeout; it listens where {@code start(host, port)} says, as Javalin's would.
     */
    private void configureJetty(JavalinConfig c) {
        c.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(config.maxHeaderBytes()));
        c.jetty.modifyServer(jetty -> jetty.setErrorHandler(new JettyErrors(deps.metrics())));
        c.jetty.addConnector((jetty, http) -> {
            ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
            connector.setHost(c.jetty.host);
            connector.setPort(c.jetty.port);
            connector.setIdleTimeout(config.idleTimeout().toMillis());
            return connector;
        });
    }

    public Ingress start() {
        deps.endpoints().start();
        server.start(config.host(), config.port());
        log.info("ingress listening on {}:{}", config.host(), server.port());
        return this;
    }

    /** The bound port (useful when configured with 0). */
    public int port() {
        return server.port();
    }

    /** True once the endpoint directory has caught up; until then webhooks are answered 503. */
    public boolean isReady() {
        return deps.endpoints().isReady();
    }

    /** The Javalin app, for in-process HTTP tests (JavalinTest starts and stops it itself). */
    Javalin javalin() {
        return server;
    }

    private void health(Context ctx) {
        boolean ready = isReady();
        ctx.status(ready ? 200 : 503).json(Map.of("status", ready ? "ok" : "starting"));
    }

    private void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(deps.metrics().scrape());
    }

    /** Route templates, not paths: no phone numbers in logs, bounded metric tags. Query strings are never logged. */
    private void logRequest(Context ctx, Float millis) {
        String route = Routes.template(ctx);
        int status = ctx.status().getCode();
        Timer.builder("ingress.http.requests")
                .tag("method", ctx.method().name()).tag("route", route).tag("status", Integer.toString(status))
                .register(deps.metrics())
                .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
        access.info("{} {} {} {}ms tenant={}", ctx.method().name(), route, status, Math.round(millis),
                ctx.pathParamMap().getOrDefault("tenantId", "-"));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop();
        closeQuietly("endpoint directory", deps.endpoints());
        closeQuietly("Kafka producer", () -> deps.producer().close(Duration.ofSeconds(5)));
        closeQuietly("Redis pool", deps.redis());
        closeQuietly("metrics", deps.metrics()::close);
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("closing the {} failed: {}", what, e.toString());
        }
    }
}
