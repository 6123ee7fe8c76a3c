package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.ingress.apikey.ApiKeyHandlers;
import com.booqing.whatsapp.ingress.conversation.ConversationHandlers;
import com.booqing.whatsapp.ingress.conversation.ConversationReader;
import com.booqing.whatsapp.ingress.device.DeviceHandlers;
import com.booqing.whatsapp.ingress.docs.ApiDocs;
import com.booqing.whatsapp.ingress.endpoint.EndpointHandlers;
import com.booqing.whatsapp.ingress.health.TenantHealthHandlers;
import com.booqing.whatsapp.ingress.http.AuthFailureLimiter;
import com.booqing.whatsapp.ingress.http.Authenticator;
import com.booqing.whatsapp.ingress.http.ErrorMapping;
import com.booqing.whatsapp.ingress.http.JettyErrors;
import com.booqing.whatsapp.ingress.http.RequestHeadDeadline;
import com.booqing.whatsapp.ingress.http.Routes;
import com.booqing.whatsapp.ingress.kafka.AckedPublisher;
import com.booqing.whatsapp.ingress.live.FailoverHistory;
import com.booqing.whatsapp.ingress.live.StatusPage;
import com.booqing.whatsapp.ingress.live.StreamHandlers;
import com.booqing.whatsapp.ingress.live.StreamHub;
import com.booqing.whatsapp.ingress.live.StreamTokens;
import com.booqing.whatsapp.ingress.management.CommandHandlers;
import com.booqing.whatsapp.ingress.management.ManagementCommands;
import com.booqing.whatsapp.ingress.management.ManagementConfig;
import com.booqing.whatsapp.ingress.management.NewIds;
import com.booqing.whatsapp.ingress.management.Polls;
import com.booqing.whatsapp.ingress.management.Presenter;
import com.booqing.whatsapp.ingress.tenant.ConfigHandlers;
import com.booqing.whatsapp.ingress.message.IdempotencyPrecheck;
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
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static com.booqing.whatsapp.ingress.http.Access.ADMIN;
import static com.booqing.whatsapp.ingress.http.Access.PUBLIC;
import static com.booqing.whatsapp.ingress.http.Access.STREAM;
import static com.booqing.whatsapp.ingress.http.Access.TENANT;

/**
 * The ingress: provider webhooks and Booqing's REST API in, Kafka records out; reads served from Redis.
 * Built from its dependencies, so tests run it in-process with fakes.
 */
public final class Ingress implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ingress.class);
    private static final Logger access = LoggerFactory.getLogger("com.booqing.whatsapp.ingress.access");
    /** The shortest idle timeout of open connections while {@code INGRESS_MAX_CONNECTIONS} are open. */
    private static final Duration IDLE_TIMEOUT_AT_LIMIT = Duration.ofSeconds(2);

    private final IngressConfig config;
    private final IngressDependencies deps;
    private final WebhookHandlers webhooks;
    private final MessageHandlers messages;
    private final ConversationHandlers conversations;
    private final ConfigHandlers tenantConfig;
    private final EndpointHandlers endpoints;
    private final DeviceHandlers devices;
    private final TenantHealthHandlers tenantHealth;
    private final CommandHandlers commandStatus;
    private final ApiKeyHandlers keys;
    private final ApiDocs docs;
    private final StreamHub liveHub;
    private final StreamHandlers liveStream;
    private final StatusPage statusPage;
    private final Authenticator authenticator;
    private final Javalin server;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Polls polls = new Polls();
    private final ConcurrentMap<RequestKind, Timer> requestTimers = new ConcurrentHashMap<>();
    /** Jetty's request threads, known once Jetty is built: answers written after a Kafka ack run there. */
    private volatile Executor httpThreads;

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
                        WebhookRateLimiter.DEFAULT_MAX_TRACKED_PATHS, deps.nanoTime()), this::respond);
        this.messages = new MessageHandlers(publisher, deps.topics(), messageReader,
                new IdempotencyPrecheck(deps.redis(), deps.redisKeys(), json), json, deps.clock(),
                config.maxBodyBytes(), deps.metrics(), this::respond);
        this.conversations = new ConversationHandlers(new ConversationReader(deps.redis(), deps.redisKeys()),
                messageReader);

        ManagementConfig management = config.management();
        NewIds ids = new NewIds();
        ManagementCommands commands = new ManagementCommands(publisher, deps.topics(), deps.outcomes(), ids,
                deps.clock(), management, deps.metrics());
        Presenter presenter = new Presenter(management.gateway(), json);
        this.tenantConfig = new ConfigHandlers(deps.store(), commands, presenter, json, config.maxBodyBytes());
        this.endpoints = new EndpointHandlers(deps.store(), commands, presenter, json, deps.secrets(),
                EndpointUrlGuard.from(management.gateway()), ids, management.healthFreshness(),
                config.maxBodyBytes());
        this.devices = new DeviceHandlers(deps.store(), commands, publisher, deps.topics(), presenter, json, ids,
                management.gateway().maxReconnectAttempts(), management.connectWait(), config.maxBodyBytes(),
                polls, this::respond);
        this.tenantHealth = new TenantHealthHandlers(deps.store(), json, deps.clock(), management.healthFreshness());
        this.commandStatus = new CommandHandlers(deps.store(), presenter, json);
        this.keys = new ApiKeyHandlers(deps.apiKeys(), commands, json, ids);
        this.docs = new ApiDocs(json);
        StreamTokens streamTokens = new StreamTokens(config.adminApiKey(), deps.clock(), config.stream().tokenTtl());
        this.liveHub = new StreamHub(config.stream(), json, deps.endpoints(), deps.apiKeys(), this::respond,
                deps.clock(), management.healthFreshness(), deps.metrics());
        this.liveStream = new StreamHandlers(liveHub, deps.liveFeed(), streamTokens, deps.store(),
                new FailoverHistory(deps.redis(), deps.redisKeys()), json);
        this.statusPage = new StatusPage();
        this.authenticator = new Authenticator(config.adminApiKey(), deps.apiKeys(),
                new AuthFailureLimiter(management.authFailureLimit(), management.authFailureWindow(),
                        AuthFailureLimiter.DEFAULT_MAX_TRACKED, deps.nanoTime()), streamTokens);
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
        c.routes.beforeMatched(authenticator::check);
        c.staticFiles.add(s -> {
            s.hostedPath = "/webjars/swagger-ui";
            s.directory = "/META-INF/resources/webjars/swagger-ui";
            s.location = Location.CLASSPATH;
            s.roles = Set.of(PUBLIC);
        });

        // Every route is in this table (and in src/main/resources/openapi.yaml). TENANT: the admin key or the
        // tenant's own key; ADMIN: the admin key only. /devices/{id} is a device id when it starts with dev_.
        c.routes.get("/health", this::health, PUBLIC);
        c.routes.get("/metrics", this::metrics, PUBLIC); // unauthenticated: expose only on the internal network
        c.routes.get("/openapi.json", docs::json, PUBLIC);
        c.routes.get("/openapi.yaml", docs::yaml, PUBLIC);
        c.routes.get("/docs", docs::page, PUBLIC);
        c.routes.get("/docs/initializer.js", docs::initializer, PUBLIC);
        c.routes.get("/status/{tenantId}", statusPage::page, PUBLIC); // the same static page for every tenant
        c.routes.get("/status/assets/status.js", statusPage::script, PUBLIC);
        c.routes.get("/status/assets/status.css", statusPage::style, PUBLIC);
        c.routes.post("/api/whatsapp/webhook/{tenantId}/{endpointId}", webhooks::receive, PUBLIC);
        c.routes.post("/api/whatsapp/webhook/{tenantId}/{endpointId}/{event}", webhooks::receive, PUBLIC); // Evolution
        c.routes.get("/api/whatsapp/webhook/{tenantId}/{endpointId}", webhooks::verify, PUBLIC);
        c.routes.post("/api/whatsapp/messages/{tenantId}", messages::send, TENANT);
        c.routes.get("/api/whatsapp/messages/{tenantId}/{messageId}", messages::get, TENANT);
        c.routes.get("/api/whatsapp/conversations/{tenantId}", conversations::list, TENANT);
        c.routes.get("/api/whatsapp/conversations/{tenantId}/{phone}/messages", conversations::messages, TENANT);
        c.routes.get("/api/whatsapp/config/{tenantId}", tenantConfig::get, TENANT);
        c.routes.post("/api/whatsapp/config/{tenantId}", tenantConfig::init, TENANT);
        c.routes.put("/api/whatsapp/config/{tenantId}", tenantConfig::update, TENANT);
        c.routes.get("/api/whatsapp/endpoints/{tenantId}", endpoints::list, TENANT);
        c.routes.post("/api/whatsapp/endpoints/{tenantId}", endpoints::create, TENANT);
        c.routes.get("/api/whatsapp/endpoints/{tenantId}/{endpointId}", endpoints::get, TENANT);
        c.routes.put("/api/whatsapp/endpoints/{tenantId}/{endpointId}", endpoints::update, TENANT);
        c.routes.delete("/api/whatsapp/endpoints/{tenantId}/{endpointId}", endpoints::delete, TENANT);
        c.routes.post("/api/whatsapp/endpoints/{tenantId}/{endpointId}", endpoints::action, TENANT); // ?action=test-health
        c.routes.get("/api/whatsapp/devices/{id}", devices::get, TENANT);       // tenant: list; dev_…: one device
        c.routes.post("/api/whatsapp/devices/{id}", devices::post, TENANT);     // tenant: create; dev_…?action=…
        c.routes.put("/api/whatsapp/devices/{id}", devices::update, TENANT);    // dev_… only
        c.routes.delete("/api/whatsapp/devices/{id}", devices::delete, TENANT); // dev_… only
        c.routes.get("/api/whatsapp/health/{tenantId}", tenantHealth::get, TENANT);
        c.routes.get("/api/whatsapp/commands/{tenantId}/{commandId}", commandStatus::get, TENANT);
        c.routes.get("/api/whatsapp/stream/{tenantId}", liveStream::stream, TENANT, STREAM); // or ?access_token=
        c.routes.post("/api/whatsapp/stream/{tenantId}/token", liveStream::token, TENANT);
        c.routes.get("/api/whatsapp/keys/{tenantId}", keys::list, ADMIN);
        c.routes.post("/api/whatsapp/keys/{tenantId}", keys::issue, ADMIN);
        c.routes.delete("/api/whatsapp/keys/{tenantId}/{keyId}", keys::revoke, ADMIN);
    }

    /**
     * Limits Jetty enforces before any handler runs: the number of open connections (beyond it, new ones wait in the
     * kernel's accept queue), the size of the request line plus headers (431 beyond it),
     * the idle timeout of connections, and the deadline for a request's head ({@link RequestHeadDeadline}), which
     * ends a client that trickles its headers in a byte at a time. The connector is our own to set those; it
     * listens where {@code start(host, port)} says, as Javalin's would.
     */
    private void configureJetty(JavalinConfig c) {
        c.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(config.maxHeaderBytes()));
        c.jetty.modifyServer(jetty -> {
            jetty.setErrorHandler(new JettyErrors(deps.metrics()));
            NetworkConnectionLimit limit = new NetworkConnectionLimit(config.maxConnections(), jetty);
            // At the limit, connections that sit idle between requests (a provider's keep-alive pool after a retry
            // storm) would hold their slots for the whole idle timeout while new connections with a request wait
            // in the accept queue; Jetty applies this shorter idle timeout to every connection while the limit holds.
            // It stays above the longest wait for Kafka's acknowledgement, so a request being answered keeps its
            // connection until it has its 200 or 503.
            limit.setEndPointIdleTimeout(idleTimeoutAtLimit(config).toMillis());
            jetty.addBean(limit);
            httpThreads = jetty.getThreadPool();
        });
        c.jetty.addConnector((jetty, http) -> {
            ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
            connector.setHost(c.jetty.host);
            connector.setPort(c.jetty.port);
            connector.setIdleTimeout(config.idleTimeout().toMillis());
            connector.addBean(new RequestHeadDeadline(config.headerTimeout(), deps.metrics()));
            return connector;
        });
    }

    public Ingress start() {
        deps.endpoints().start();
        deps.apiKeys().start();
        deps.outcomes().start();
        deps.liveFeed().start(liveHub);
        liveHub.start();
        server.start(config.host(), config.port());
        log.info("ingress listening on {}:{}", config.host(), server.port());
        return this;
    }

    /** The bound port (useful when configured with 0). */
    public int port() {
        return server.port();
    }

    /**
     * True once the endpoint and key directories have caught up and outcomes are being read; until then webhooks
     * and tenant keys are answered 503 (and writes may answer 202 rather than wait).
     */
    public boolean isReady() {
        return deps.endpoints().isReady() && deps.apiKeys().isReady() && deps.outcomes().isReady();
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

    private void respond(Runnable answer) {
        Executor threads = httpThreads;
        if (threads == null) {
            throw new IllegalStateException("the HTTP server is not built yet");
        }
        threads.execute(answer);
    }

    /**
     * Route templates, not paths: no phone numbers in logs, bounded metric tags. Query strings are never logged.
     * The access log is at DEBUG, off by default (a line per request is a large share of a webhook's cost);
     * refusals are counted in metrics and logged, rate-limited, where they happen.
     */
    private void logRequest(Context ctx, Float millis) {
        String route = Routes.template(ctx);
        int status = ctx.status().getCode();
        String method = ctx.method().name();
        requestTimers.computeIfAbsent(new RequestKind(method, route, status), this::requestTimer)
                .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
        if (access.isDebugEnabled()) {
            access.debug("{} {} {} {}ms tenant={}", method, route, status, Math.round(millis),
                    ctx.pathParamMap().getOrDefault("tenantId", "-"));
        }
    }

    private Timer requestTimer(RequestKind kind) {
        return Timer.builder("whatsapp.ingress.http.requests")
                .tag("method", kind.method()).tag("route", kind.route()).tag("status", Integer.toString(kind.status()))
                .register(deps.metrics());
    }

    /** Bounded: routes are templates (or "unmatched") and statuses a small set. */
    private record RequestKind(String method, String route, int status) {
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly("live streams", liveHub); // ends open streams first: the server stops without waiting on them
        server.stop();
        closeQuietly("answer waits", polls);
        closeQuietly("live feed", deps.liveFeed());
        closeQuietly("endpoint directory", deps.endpoints());
        closeQuietly("API key directory", deps.apiKeys());
        closeQuietly("command outcomes", deps.outcomes());
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

    /** At the connection limit: 2 s, or the acknowledgement wait and a second if longer; never above the idle timeout. */
    static Duration idleTimeoutAtLimit(IngressConfig config) {
        Duration answer = config.kafkaAckTimeout().plusSeconds(1);
        Duration atLimit = answer.compareTo(IDLE_TIMEOUT_AT_LIMIT) > 0 ? answer : IDLE_TIMEOUT_AT_LIMIT;
        return atLimit.compareTo(config.idleTimeout()) < 0 ? atLimit : config.idleTimeout();
    }
}
