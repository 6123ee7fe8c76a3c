package com.booqing.whatsapp.simulator;

import com.booqing.whatsapp.simulator.admin.AdminApi;
import com.booqing.whatsapp.simulator.cloudapi.CloudApiBehaviour;
import com.booqing.whatsapp.simulator.cloudapi.CloudApiSettings;
import com.booqing.whatsapp.simulator.cloudapi.WebhookHandshake;
import com.booqing.whatsapp.simulator.evolution.EvolutionBehaviour;
import com.booqing.whatsapp.simulator.evolution.EvolutionSettings;
import com.booqing.whatsapp.simulator.provider.InboundText;
import com.booqing.whatsapp.simulator.provider.Pairing;
import com.booqing.whatsapp.simulator.provider.ProviderBehaviour;
import com.booqing.whatsapp.simulator.waha.WahaBehaviour;
import com.booqing.whatsapp.simulator.waha.WahaSettings;
import com.booqing.whatsapp.simulator.webhook.WebhookPoster;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the WhatsApp providers' servers. Each registered endpoint listens on its own loopback port and
 * speaks one provider's API — Meta's Cloud API, WAHA or Evolution API v2; the admin API on the admin port drives it
 * over HTTP.
 *
 * <pre>
 * try (Simulator sim = new Simulator(SimulatorConfig.defaults()).start(0)) {
 *     SimEndpoint ep = sim.registerCloudApi("ep-1", "1234567890", "token", "app-secret", ingressWebhookUrl);
 *     SimEndpoint waha = sim.registerWaha("ep-2", "default", "waha-key", "hmac-key", ingressWebhookUrl);
 *     sim.fault("ep-1", Fault.rateLimit());
 * }
 * </pre>
 */
public final class Simulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Simulator.class);
    private static final String ID_PATTERN = "[A-Za-z0-9._:-]{1,100}";

    private final SimulatorConfig config;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService scheduler;
    private final ExecutorService httpExecutor;
    private final HttpClient client;
    private final WebhookPoster poster;
    private final Map<String, EndpointServer> endpoints = new ConcurrentHashMap<>();
    private Javalin admin;

    public Simulator(SimulatorConfig config) {
        this(config, Clock.systemUTC());
    }

    public Simulator(SimulatorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(2, daemonThreads("sim-timer"));
        timers.setRemoveOnCancelPolicy(true);
        this.scheduler = timers;
        this.httpExecutor = Executors.newCachedThreadPool(daemonThreads("sim-webhook"));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(httpExecutor)
                .build();
        this.poster = new WebhookPoster(client, scheduler, config, clock);
    }

    /** Starts the admin API on 127.0.0.1:{@code adminPort} (0 = any free port). */
    public synchronized Simulator start(int adminPort) {
        if (admin != null) {
            throw new IllegalStateException("simulator already started");
        }
        admin = new AdminApi(this, json).create();
        admin.start(SimulatorConfig.HOST, adminPort);
        log.info("simulator admin API on {}", adminUrl());
        return this;
    }

    public synchronized String adminUrl() {
        if (admin == null) {
            throw new IllegalStateException("simulator not started");
        }
        return "http://" + SimulatorConfig.HOST + ":" + admin.port();
    }

    public SimulatorConfig config() {
        return config;
    }

    // ---- endpoints

    /** A Cloud API phone number with receipts on; {@code webhookUrl} may be null until the receiver is known. */
    public SimEndpoint registerCloudApi(String id, String phoneNumberId, String accessToken, String appSecret,
                                        String webhookUrl) {
        return registerCloudApi(id, CloudApiSettings.of(phoneNumberId, accessToken, appSecret), webhookUrl, true);
    }

    public SimEndpoint registerCloudApi(String id, CloudApiSettings settings, String webhookUrl, boolean receipts) {
        return register(id, new CloudApiBehaviour(settings, json, clock), webhookUrl, receipts);
    }

    /**
     * A WAHA server with one WORKING session (WEBJS engine) and receipts on. {@code hmacKey} signs webhooks
     * (X-Webhook-Hmac, SHA-512); null sends them unsigned.
     */
    public SimEndpoint registerWaha(String id, String sessionName, String apiKey, String hmacKey, String webhookUrl) {
        return registerWaha(id, WahaSettings.of(sessionName, apiKey, hmacKey), webhookUrl, true);
    }

    public SimEndpoint registerWaha(String id, WahaSettings settings, String webhookUrl, boolean receipts) {
        return register(id, new WahaBehaviour(settings, json, clock, config.pairing()), webhookUrl, receipts);
    }

    /**
     * An Evolution API v2 server with one open (paired) Baileys instance and receipts on. {@code apiKey} is the
     * global key for the {@code apikey} header; {@code jwtKey} (the webhook's headers.jwt_key) makes webhooks carry
     * a Bearer JWT, null sends them without.
     */
    public SimEndpoint registerEvolution(String id, String instanceName, String apiKey, String jwtKey,
                                        String webhookUrl) {
        return registerEvolution(id, EvolutionSettings.of(instanceName, apiKey, jwtKey), webhookUrl, true);
    }

    public SimEndpoint registerEvolution(String id, EvolutionSettings settings, String webhookUrl, boolean receipts) {
        return register(id, new EvolutionBehaviour(settings, json, clock, config.pairing()), webhookUrl, receipts);
    }

    /**
     * Registers (or replaces) an endpoint speaking {@code behaviour}'s API. Replacing keeps the endpoint's port and
     * starts with a clean request log and no fault.
     */
    public synchronized SimEndpoint register(String id, ProviderBehaviour behaviour, String webhookUrl,
                                             boolean receipts) {
        if (id == null || !id.matches(ID_PATTERN)) {
            throw new IllegalArgumentException("endpoint id must match " + ID_PATTERN + ", got '" + id + "'");
        }
        String url = validWebhookUrl(webhookUrl);
        EndpointServer previous = endpoints.remove(id);
        int port = 0;
        if (previous != null) {
            port = previous.port();
            previous.close();
        }
        EndpointServer server = new EndpointServer(id, behaviour, url, receipts, config, poster, scheduler, json,
                clock);
        server.start(port);
        endpoints.put(id, server);
        log.info("endpoint {} ({}) listening on {}", id, behaviour.provider(), server.view().apiUrl());
        return server.view();
    }

    public SimEndpoint endpoint(String id) {
        return server(id).view();
    }

    public EndpointInfo info(String id) {
        return server(id).info();
    }

    public List<EndpointInfo> endpoints() {
        return endpoints.values().stream().map(EndpointServer::info)
                .sorted(Comparator.comparing(EndpointInfo::id)).toList();
    }

    public synchronized void remove(String id) {
        EndpointServer server = endpoints.remove(id);
        if (server == null) {
            throw new UnknownEndpointException(id);
        }
        server.close();
    }

    public void webhookUrl(String id, String webhookUrl) {
        server(id).webhookUrl(validWebhookUrl(webhookUrl));
    }

    /** Turns the automatic sent/delivered/read receipts after each send on or off. */
    public void receipts(String id, boolean on) {
        server(id).receipts(on);
    }

    // ---- faults and observation

    public void fault(String id, Fault fault) {
        server(id).fault(fault);
    }

    public Fault fault(String id) {
        return server(id).fault();
    }

    /** Requests the endpoint received, oldest first (the last 10,000 by default); no Authorization headers. */
    public List<RecordedRequest> requests(String id) {
        return server(id).requests();
    }

    public void clearRequests(String id) {
        server(id).clearRequests();
    }

    /** Webhooks the endpoint finished posting (delivered or given up), oldest first; the last 1,000. */
    public List<PostedWebhook> webhooks(String id) {
        return server(id).webhooks();
    }

    public WebhookStats webhookStats(String id) {
        return server(id).webhookStats();
    }

    // ---- webhooks on demand

    /** A WhatsApp user sends {@code text}; waits for the first delivery attempt (retries continue in the background). */
    public WebhookDelivery postInboundText(String id, String fromPhone, String text) {
        return postInboundText(id, fromPhone, text, null);
    }

    public WebhookDelivery postInboundText(String id, String fromPhone, String text, String profileName) {
        return server(id).postInbound(new InboundText(fromPhone, profileName, text, clock.instant()));
    }

    /**
     * A WhatsApp user known by a LID ("hidden user id") sends {@code text} (WAHA, Evolution): the webhook names the
     * sender "<lid>@lid"; when {@code phone} is given the provider's alternative id carries it too.
     */
    public WebhookDelivery postInboundFromLid(String id, String lid, String phone, String text) {
        return postInboundFromLid(id, lid, phone, text, null);
    }

    public WebhookDelivery postInboundFromLid(String id, String lid, String phone, String text, String profileName) {
        if (lid == null || lid.isBlank()) {
            throw new IllegalArgumentException("lid is required");
        }
        return server(id).postInbound(new InboundText(phone, lid, profileName, text, clock.instant()));
    }

    /** Posts one status webhook for a message sent through the endpoint. */
    public WebhookDelivery postReceipt(String id, String messageId, Receipt receipt) {
        return postReceipt(id, messageId, receipt, null);
    }

    /** As {@link #postReceipt(String, String, Receipt)}; {@code recipientId} is needed for messages it never sent. */
    public WebhookDelivery postReceipt(String id, String messageId, Receipt receipt, String recipientId) {
        if (messageId == null || messageId.isBlank()) {
            throw new IllegalArgumentException("wamid is required");
        }
        return server(id).postReceipt(messageId, receipt, recipientId);
    }

    // ---- linked-device sessions (WAHA sessions, Evolution instances)

    /** The phone scans the QR code the session shows now; WAHA goes WORKING, Evolution "open". */
    public void scanQr(String id) {
        pairing(id).scanQr();
    }

    /** The phone owner enters the pairing code the provider issued (WAHA request-code, Evolution connect?number=). */
    public void confirmPairingCode(String id, String code) {
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("code is required");
        }
        pairing(id).confirmPairingCode(code.trim());
    }

    /**
     * The session's status in the provider's own words: WAHA STOPPED, STARTING, SCAN_QR_CODE, WORKING, FAILED;
     * Evolution close, connecting, open (or "deleted"); Cloud API numbers have no session and are always "CONNECTED".
     */
    public String sessionStatus(String id) {
        return server(id).behaviour().pairing().map(Pairing::status).orElse("CONNECTED");
    }

    private Pairing pairing(String id) {
        EndpointServer server = server(id);
        return server.behaviour().pairing().orElseThrow(() -> new IllegalStateException(
                server.provider() + " endpoints have no linked-device session"));
    }

    /**
     * Meta's verification GET against the endpoint's webhook URL with {@code verifyToken} (Cloud API endpoints only).
     */
    public HandshakeResult verifyWebhook(String id, String verifyToken) {
        EndpointServer server = server(id);
        if (!server.provider().equals(CloudApiBehaviour.PROVIDER)) {
            throw new IllegalStateException("only cloud-api endpoints have a webhook verification handshake");
        }
        String url = server.info().webhookUrl();
        if (url == null) {
            throw new IllegalStateException("endpoint '" + id + "' has no webhookUrl");
        }
        if (verifyToken == null || verifyToken.isBlank()) {
            throw new IllegalArgumentException("verifyToken is required");
        }
        try {
            return WebhookHandshake.verify(client, url, verifyToken, config.webhookTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the webhook handshake", e);
        }
    }

    private EndpointServer server(String id) {
        EndpointServer server = endpoints.get(id);
        if (server == null) {
            throw new UnknownEndpointException(id);
        }
        return server;
    }

    private static String validWebhookUrl(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("webhookUrl must be an absolute http(s) URL, got '" + url + "'");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("webhookUrl must be an absolute http(s) URL, got '" + url + "'");
        }
        return url;
    }

    @Override
    public synchronized void close() {
        endpoints.values().forEach(EndpointServer::close);
        endpoints.clear();
        if (admin != null) {
            admin.stop();
            admin = null;
        }
        scheduler.shutdownNow();
        httpExecutor.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
