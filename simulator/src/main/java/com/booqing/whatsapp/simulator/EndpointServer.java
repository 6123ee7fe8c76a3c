package com.booqing.whatsapp.simulator;

import com.booqing.whatsapp.simulator.provider.InboundText;
import com.booqing.whatsapp.simulator.provider.OutboundWebhook;
import com.booqing.whatsapp.simulator.provider.ProviderBehaviour;
import com.booqing.whatsapp.simulator.provider.ProviderContext;
import com.booqing.whatsapp.simulator.provider.ProviderReply;
import com.booqing.whatsapp.simulator.provider.SentMessage;
import com.booqing.whatsapp.simulator.webhook.AttemptResult;
import com.booqing.whatsapp.simulator.webhook.Delivery;
import com.booqing.whatsapp.simulator.webhook.WebhookCounters;
import com.booqing.whatsapp.simulator.webhook.WebhookPoster;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One simulated endpoint: its own loopback listener serving a provider's API, plus everything providers share —
 * request recording, faults, webhooks with retries, and receipts after each accepted send.
 */
final class EndpointServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EndpointServer.class);
    private static final List<Receipt> RECEIPTS_AFTER_SEND = List.of(Receipt.SENT, Receipt.DELIVERED, Receipt.READ);
    private static final int SENT_MESSAGES_KEPT = 10_000;
    /** The longest a request waits in {@link Fault.Mode#HANG} mode before its connection is dropped anyway. */
    static final Duration HANG_LIMIT = Duration.ofMinutes(10);
    private static final String RESET_ATTRIBUTE = "simulator.reset";

    private final String id;
    private final ProviderBehaviour behaviour;
    private final SimulatorConfig config;
    private final WebhookPoster poster;
    private final ScheduledExecutorService scheduler;
    private final ObjectMapper json;
    private final Clock clock;
    private final BoundedLog<RecordedRequest> requests;
    private final BoundedLog<PostedWebhook> webhooks = new BoundedLog<>(1_000);
    private final WebhookCounters counters = new WebhookCounters();
    private final Map<String, SentMessage> sentMessages = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SentMessage> eldest) {
            return size() > SENT_MESSAGES_KEPT;
        }
    };

    private volatile String webhookUrl;
    private volatile boolean receipts;

    // Guarded by this: the listener's lifecycle. Request threads never take this lock, so stopping the
    // listener cannot wait on a request that waits on the lock.
    private Javalin app;
    private volatile int port;
    // Read without the lock by webhook lanes, which may run while a provider holds its own session lock.
    private volatile boolean closed;

    private final Object faultLock = new Object();
    private Fault fault = Fault.none();
    private int faultRemaining;
    // Requests seen since the fault was set: picks the evenly spread share a partial fault affects.
    private long faultSeen;
    // Bumped (under faultLock) whenever the fault changes or the listener stops: releases hung requests.
    private long faultGeneration;

    // Webhooks the provider raises on its own (session status, QR refreshes) go out one after the other.
    private final Object laneLock = new Object();
    private CompletableFuture<?> lane = CompletableFuture.completedFuture(null);

    EndpointServer(String id, ProviderBehaviour behaviour, String webhookUrl, boolean receipts, SimulatorConfig config,
                   WebhookPoster poster, ScheduledExecutorService scheduler, ObjectMapper json, Clock clock) {
        this.id = id;
        this.behaviour = behaviour;
        this.webhookUrl = webhookUrl;
        this.receipts = receipts;
        this.config = config;
        this.poster = poster;
        this.scheduler = scheduler;
        this.json = json;
        this.clock = clock;
        this.requests = new BoundedLog<>(config.requestLogCapacity());
        behaviour.attach(new LentContext());
    }

    /** Starts listening on {@code wantedPort} (0 = any free port). */
    synchronized void start(int wantedPort) {
        app = newApp();
        try {
            app.start(SimulatorConfig.HOST, wantedPort);
        } catch (RuntimeException e) {
            app = null;
            throw new IllegalStateException("endpoint '" + id + "' cannot listen on port " + wantedPort, e);
        }
        port = app.port();
    }

    private Javalin newApp() {
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            QueuedThreadPool threads = new QueuedThreadPool(200, 2, 30_000);
            threads.setName("sim-" + id);
            cfg.jetty.threadPool = threads;
            cfg.http.maxRequestSize = 16L * 1024 * 1024;
            cfg.routes.before(this::beforeRequest);
            behaviour.routes(cfg.routes, this::accepted);
            cfg.routes.after(ctx -> {
                if (Boolean.TRUE.equals(ctx.attribute(RESET_ATTRIBUTE))) {
                    // Processed like any request; now the answer is lost on the way.
                    dropConnection(ctx);
                }
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.warn("endpoint {} failed to answer {} {}", id, ctx.method(), ctx.path(), e);
                writeJson(ctx, 500, Map.of("code", "internal_error", "message", "simulator failure"));
            });
        });
    }

    private void beforeRequest(Context ctx) throws InterruptedException {
        long generation;
        Fault active;
        synchronized (faultLock) {
            generation = faultGeneration;
            active = consumeFault();
        }
        requests.add(new RecordedRequest(clock.instant(), ctx.method().name(), ctx.path(), ctx.queryString(),
                ctx.headerMap(), ctx.body(), active.mode().wireName()));
        switch (active.mode()) {
            case SLOW -> Thread.sleep(active.delay().toMillis());
            case FAIL, RATE_LIMIT -> {
                ProviderReply reply = behaviour.faultReply(active);
                reply.headers().forEach(ctx::header);
                writeJson(ctx, reply.status(), reply.body());
                ctx.skipRemainingHandlers();
            }
            case HANG -> {
                awaitRelease(generation);
                dropConnection(ctx);
                ctx.skipRemainingHandlers();
            }
            case RESET -> ctx.attribute(RESET_ATTRIBUTE, Boolean.TRUE);
            default -> {
            }
        }
    }

    /**
     * The fault this request suffers (NONE when a partial fault spares it); a fault limited to n requests heals
     * after the n-th it affected. Caller holds faultLock.
     */
    private Fault consumeFault() {
        Fault active = fault;
        if (active.isNone()) {
            return active;
        }
        long seen = faultSeen++;
        // Evenly spread: request n (0-based) is hit when ⌊(n+1)·p/100⌋ passes ⌊n·p/100⌋.
        if ((seen + 1) * active.percent() / 100 == seen * active.percent() / 100) {
            return Fault.none();
        }
        if (active.times() > 0 && --faultRemaining <= 0) {
            fault = Fault.none();
        }
        return active;
    }

    /** A hung request waits until the fault changes, the listener stops or HANG_LIMIT passes. */
    private void awaitRelease(long generation) throws InterruptedException {
        long deadline = System.nanoTime() + HANG_LIMIT.toNanos();
        synchronized (faultLock) {
            while (faultGeneration == generation && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(faultLock, left);
            }
        }
    }

    /**
     * Closes the request's TCP connection without an answer, with a reset (SO_LINGER 0) where the socket allows it:
     * the client sees its request vanish after it was sent.
     */
    private void dropConnection(Context ctx) {
        try {
            EndPoint endPoint = ServletContextRequest.getServletContextRequest(ctx.req()).getConnectionMetaData()
                    .getConnection().getEndPoint();
            if (endPoint instanceof SocketChannelEndPoint socket && socket.getChannel().isOpen()) {
                socket.getChannel().setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            endPoint.close();
        } catch (IOException | RuntimeException e) {
            log.debug("endpoint {} could not drop a connection: {}", id, e.toString());
        }
    }

    synchronized void fault(Fault wanted) {
        requireOpen();
        if (wanted.mode() == Fault.Mode.DARK) {
            setFault(wanted);
            if (app != null) {
                app.stop();
                app = null;
                log.info("endpoint {} went dark (port {} refuses connections)", id, port);
            }
            return;
        }
        if (app == null) {
            start(port);
            log.info("endpoint {} is back on port {}", id, port);
        }
        setFault(wanted);
    }

    private void setFault(Fault wanted) {
        synchronized (faultLock) {
            fault = wanted;
            faultRemaining = wanted.times();
            faultSeen = 0;
            faultGeneration++;
            faultLock.notifyAll();
        }
    }

    Fault fault() {
        synchronized (faultLock) {
            return fault;
        }
    }

    synchronized boolean listening() {
        return app != null;
    }

    int port() {
        return port;
    }

    String id() {
        return id;
    }

    String provider() {
        return behaviour.provider();
    }

    SimEndpoint view() {
        return new SimEndpoint(id, behaviour.provider(), "http://" + SimulatorConfig.HOST + ":" + port());
    }

    EndpointInfo info() {
        SimEndpoint view = view();
        return new EndpointInfo(id, view.provider(), view.apiUrl(), listening(), webhookUrl, receipts, fault(),
                requests.size(), counters.snapshot(), behaviour.describe());
    }

    ProviderBehaviour behaviour() {
        return behaviour;
    }

    List<RecordedRequest> requests() {
        return requests.snapshot();
    }

    void clearRequests() {
        requests.clear();
    }

    List<PostedWebhook> webhooks() {
        return webhooks.snapshot();
    }

    WebhookStats webhookStats() {
        return counters.snapshot();
    }

    void webhookUrl(String url) {
        this.webhookUrl = url;
    }

    void receipts(boolean on) {
        this.receipts = on;
    }

    WebhookDelivery postInbound(InboundText message) {
        return postNow(behaviour.inboundText(message));
    }

    String webhookUrl() {
        return webhookUrl;
    }

    /** Posts one receipt for a message; the recipient is taken from the send when the simulator still knows it. */
    WebhookDelivery postReceipt(String messageId, Receipt receipt, String recipient) {
        SentMessage message;
        synchronized (sentMessages) {
            message = sentMessages.get(messageId);
        }
        if (message == null) {
            if (recipient == null || recipient.isBlank()) {
                throw new IllegalArgumentException("message '" + messageId
                        + "' was not sent through this endpoint; give recipientId");
            }
            message = new SentMessage(messageId, behaviour.recipientId(recipient), "text", null, clock.instant());
        }
        OutboundWebhook webhook = behaviour.receipt(message, receipt, clock.instant());
        if (webhook == null) {
            throw new IllegalStateException("endpoint '" + id + "' is not subscribed to receipt webhooks");
        }
        return postNow(webhook);
    }

    private WebhookDelivery postNow(OutboundWebhook webhook) {
        String target = webhookUrl;
        if (target == null) {
            throw new IllegalStateException("endpoint '" + id + "' has no webhookUrl");
        }
        Delivery delivery = post(target, webhook);
        try {
            AttemptResult first = delivery.firstAttempt()
                    .get(config.webhookTimeout().toMillis() + 2_000, TimeUnit.MILLISECONDS);
            return new WebhookDelivery(webhook.messageId(), first.status(), first.error());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while posting a webhook", e);
        } catch (ExecutionException | TimeoutException e) {
            return new WebhookDelivery(webhook.messageId(), 0, e.toString());
        }
    }

    private Delivery post(String target, OutboundWebhook webhook) {
        return poster.post(URI.create(target + webhook.pathSuffix()), webhook, counters, webhooks::add);
    }

    /** Posts after every webhook raised before it was delivered or given up, so a receiver sees them in order. */
    private void postInOrder(OutboundWebhook webhook) {
        synchronized (laneLock) {
            lane = lane.handle((ignored, error) -> null).thenCompose(ignored -> {
                String target = webhookUrl;
                if (target == null || closed()) {
                    counters.skipped();
                    return CompletableFuture.completedFuture(null);
                }
                try {
                    return post(target, webhook).outcome();
                } catch (RuntimeException e) {
                    log.warn("endpoint {} could not post {}: {}", id, webhook.kind(), e.toString());
                    return CompletableFuture.completedFuture(null);
                }
            });
        }
    }

    private boolean closed() {
        return closed;
    }

    /** Called on a request thread: only schedules, so the send answer never waits for a webhook. */
    private void accepted(SentMessage message) {
        synchronized (sentMessages) {
            sentMessages.put(message.messageId(), message);
        }
        if (receipts) {
            scheduleReceipts(message, RECEIPTS_AFTER_SEND);
        }
    }

    private void scheduleReceipts(SentMessage message, List<Receipt> remaining) {
        if (remaining.isEmpty()) {
            return;
        }
        try {
            scheduler.schedule(() -> {
                String target = webhookUrl;
                if (target == null) {
                    remaining.forEach(r -> counters.skipped());
                    return;
                }
                Receipt receipt = remaining.get(0);
                List<Receipt> rest = remaining.subList(1, remaining.size());
                OutboundWebhook webhook = behaviour.receipt(message, receipt, clock.instant());
                if (webhook == null) {
                    // The provider is not subscribed to receipts (e.g. an Evolution instance without MESSAGES_UPDATE).
                    counters.skipped();
                    scheduleReceipts(message, rest);
                    return;
                }
                // Each receipt waits for the previous one's delivery (and retries) so they arrive in order.
                post(target, webhook).outcome().whenComplete((result, error) -> scheduleReceipts(message, rest));
            }, config.receiptStep().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // The simulator is shutting down; receipts not yet posted are dropped.
        }
    }

    private void writeJson(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
        } catch (Exception e) {
            throw new IllegalStateException("cannot render answer", e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("endpoint '" + id + "' is closed");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        synchronized (faultLock) {
            faultLock.notifyAll(); // hung requests end, so the listener can stop
        }
        behaviour.close();
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    /** What the provider behaviour may use of this server. */
    private final class LentContext implements ProviderContext {

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return scheduler;
        }

        @Override
        public void post(OutboundWebhook webhook) {
            postInOrder(webhook);
        }

        @Override
        public String webhookUrl() {
            return webhookUrl;
        }

        @Override
        public void webhookUrl(String url) {
            EndpointServer.this.webhookUrl = url;
        }

        @Override
        public String apiUrl() {
            return view().apiUrl();
        }
    }
}
