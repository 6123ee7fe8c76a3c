package com.booqing.whatsapp.simulator.admin;

import com.booqing.whatsapp.simulator.EndpointInfo;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.HandshakeResult;
import com.booqing.whatsapp.simulator.PostedWebhook;
import com.booqing.whatsapp.simulator.Receipt;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.UnknownEndpointException;
import com.booqing.whatsapp.simulator.WebhookDelivery;
import com.booqing.whatsapp.simulator.cloudapi.CloudApiBehaviour;
import com.booqing.whatsapp.simulator.cloudapi.CloudApiSettings;
import com.booqing.whatsapp.simulator.evolution.EvolutionBehaviour;
import com.booqing.whatsapp.simulator.evolution.EvolutionSettings;
import com.booqing.whatsapp.simulator.waha.WahaBehaviour;
import com.booqing.whatsapp.simulator.waha.WahaSettings;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulator's own HTTP API under /_admin: register endpoints, inject faults, read what they received and make
 * them post webhooks. Errors answer {code, message}.
 */
public final class AdminApi {

    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

    private final Simulator simulator;
    private final ObjectMapper json;

    public AdminApi(Simulator simulator, ObjectMapper json) {
        this.simulator = simulator;
        this.json = json;
    }

    public Javalin create() {
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            QueuedThreadPool threads = new QueuedThreadPool(64, 2, 30_000);
            threads.setName("sim-admin");
            cfg.jetty.threadPool = threads;
            var routes = cfg.routes;
            routes.get("/_admin/health", ctx -> write(ctx, 200, Map.of("status", "UP",
                    "endpoints", simulator.endpoints().size())));
            routes.get("/_admin/endpoints", ctx -> write(ctx, 200,
                    simulator.endpoints().stream().map(AdminApi::info).toList()));
            routes.put("/_admin/endpoints/{id}", this::register);
            routes.get("/_admin/endpoints/{id}", ctx -> write(ctx, 200, info(simulator.info(id(ctx)))));
            routes.patch("/_admin/endpoints/{id}", this::update);
            routes.delete("/_admin/endpoints/{id}", ctx -> {
                simulator.remove(id(ctx));
                ctx.status(204);
            });
            routes.put("/_admin/endpoints/{id}/fault", this::fault);
            routes.get("/_admin/endpoints/{id}/requests", ctx -> write(ctx, 200,
                    simulator.requests(id(ctx)).stream().map(AdminApi::request).toList()));
            routes.delete("/_admin/endpoints/{id}/requests", ctx -> {
                simulator.clearRequests(id(ctx));
                ctx.status(204);
            });
            routes.get("/_admin/endpoints/{id}/webhooks", ctx -> write(ctx, 200,
                    simulator.webhooks(id(ctx)).stream().map(AdminApi::webhook).toList()));
            routes.post("/_admin/endpoints/{id}/inbound", this::inbound);
            routes.post("/_admin/endpoints/{id}/receipts", this::receipt);
            routes.post("/_admin/endpoints/{id}/verify", this::verify);
            routes.get("/_admin/endpoints/{id}/session", ctx -> write(ctx, 200, session(id(ctx))));
            routes.post("/_admin/endpoints/{id}/scan", ctx -> {
                simulator.scanQr(id(ctx));
                write(ctx, 200, session(id(ctx)));
            });
            routes.post("/_admin/endpoints/{id}/pairing-code", ctx -> {
                simulator.confirmPairingCode(id(ctx), text(body(ctx), "code"));
                write(ctx, 200, session(id(ctx)));
            });

            routes.exception(UnknownEndpointException.class, (e, ctx) -> error(ctx, 404, "not_found", e.getMessage()));
            routes.exception(BadRequest.class, (e, ctx) -> error(ctx, 400, "bad_request", e.getMessage()));
            routes.exception(IllegalArgumentException.class,
                    (e, ctx) -> error(ctx, 400, "bad_request", e.getMessage()));
            routes.exception(IllegalStateException.class, (e, ctx) -> error(ctx, 409, "conflict", e.getMessage()));
            routes.exception(Exception.class, (e, ctx) -> {
                log.warn("admin request {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal_error", "simulator failure");
            });
            routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{")) {
                    error(ctx, 404, "not_found", "no admin route " + ctx.method() + " " + ctx.path());
                }
            });
        });
    }

    private void register(Context ctx) {
        JsonNode body = body(ctx);
        String provider = optionalText(body, "provider");
        if (provider == null) {
            provider = CloudApiBehaviour.PROVIDER;
        }
        boolean receipts = !body.has("receipts") || body.path("receipts").asBoolean(true);
        String webhookUrl = optionalText(body, "webhookUrl");
        SimEndpoint endpoint = switch (provider) {
            case CloudApiBehaviour.PROVIDER -> simulator.registerCloudApi(id(ctx), new CloudApiSettings(
                    text(body, "phoneNumberId"), text(body, "accessToken"), text(body, "appSecret"),
                    optionalText(body, "displayPhoneNumber"), optionalText(body, "verifiedName"),
                    optionalText(body, "wabaId")), webhookUrl, receipts);
            case WahaBehaviour.PROVIDER -> simulator.registerWaha(id(ctx), new WahaSettings(
                    text(body, "sessionName"), text(body, "apiKey"), optionalText(body, "hmacKey"),
                    optionalText(body, "ownNumber"), optionalText(body, "pushName"),
                    !body.has("paired") || body.path("paired").asBoolean(true)), webhookUrl, receipts);
            case EvolutionBehaviour.PROVIDER -> simulator.registerEvolution(id(ctx), new EvolutionSettings(
                    text(body, "instanceName"), text(body, "apiKey"), optionalText(body, "jwtKey"),
                    optionalText(body, "instanceToken"), optionalText(body, "ownerNumber"),
                    optionalText(body, "profileName"), !body.has("paired") || body.path("paired").asBoolean(true),
                    body.path("byEvents").asBoolean(false), events(body)), webhookUrl, receipts);
            default -> throw new BadRequest("provider must be 'cloud-api', 'waha' or 'evolution', got '" + provider
                    + "'");
        };
        write(ctx, 200, endpoint(endpoint));
    }

    private static Set<String> events(JsonNode body) {
        JsonNode events = body.get("events");
        if (events == null || events.isNull()) {
            return null;
        }
        if (!events.isArray()) {
            throw new BadRequest("events must be an array of Evolution event names");
        }
        Set<String> names = new LinkedHashSet<>();
        events.forEach(event -> names.add(event.asText()));
        return names;
    }

    private Map<String, Object> session(String id) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("provider", simulator.info(id).provider());
        view.put("status", simulator.sessionStatus(id));
        return view;
    }

    private void update(Context ctx) {
        String id = id(ctx);
        JsonNode body = body(ctx);
        simulator.info(id);
        if (body.has("webhookUrl")) {
            simulator.webhookUrl(id, optionalText(body, "webhookUrl"));
        }
        if (body.has("receipts")) {
            simulator.receipts(id, body.path("receipts").asBoolean());
        }
        write(ctx, 200, info(simulator.info(id)));
    }

    private void fault(Context ctx) {
        JsonNode body = body(ctx);
        Fault.Mode mode = Fault.Mode.fromWire(text(body, "mode"));
        Fault fault = switch (mode) {
            case NONE -> Fault.none();
            case FAIL -> Fault.fail(body.path("status").asInt(500));
            case SLOW -> Fault.slow(Duration.ofMillis(body.path("delayMs").asLong(2_000)));
            case RATE_LIMIT -> Fault.rateLimit(Duration.ofSeconds(body.path("retryAfterSeconds").asLong(1)));
            case DARK -> Fault.dark();
            case HANG -> Fault.hang();
            case RESET -> Fault.reset();
        };
        int times = body.path("times").asInt(0);
        if (times > 0) {
            fault = fault.times(times);
        }
        if (body.has("percent")) {
            fault = fault.percent(body.path("percent").asInt());
        }
        simulator.fault(id(ctx), fault);
        write(ctx, 200, fault(fault));
    }

    private void inbound(Context ctx) {
        JsonNode body = body(ctx);
        String lid = optionalText(body, "lid");
        WebhookDelivery delivery = lid == null
                ? simulator.postInboundText(id(ctx), text(body, "from"), text(body, "text"), optionalText(body, "name"))
                : simulator.postInboundFromLid(id(ctx), lid, optionalText(body, "from"), text(body, "text"),
                optionalText(body, "name"));
        write(ctx, 200, delivery(delivery));
    }

    private void receipt(Context ctx) {
        JsonNode body = body(ctx);
        WebhookDelivery delivery = simulator.postReceipt(id(ctx), text(body, "wamid"),
                Receipt.fromWire(text(body, "status")), optionalText(body, "recipientId"));
        write(ctx, 200, delivery(delivery));
    }

    private void verify(Context ctx) {
        HandshakeResult result = simulator.verifyWebhook(id(ctx), text(body(ctx), "verifyToken"));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("status", result.status());
        view.put("challenge", result.challenge());
        view.put("echoed", result.echoed());
        write(ctx, 200, view);
    }

    // ---- JSON views (explicit, so no secret can slip into an answer)

    private static Map<String, Object> endpoint(SimEndpoint endpoint) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", endpoint.id());
        view.put("provider", endpoint.provider());
        view.put("apiUrl", endpoint.apiUrl());
        return view;
    }

    private static Map<String, Object> info(EndpointInfo info) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", info.id());
        view.put("provider", info.provider());
        view.put("apiUrl", info.apiUrl());
        view.put("listening", info.listening());
        view.put("webhookUrl", info.webhookUrl());
        view.put("receipts", info.receipts());
        view.put("fault", fault(info.fault()));
        view.put("recordedRequests", info.recordedRequests());
        view.put("webhooks", info.webhooks());
        view.put("settings", info.settings());
        return view;
    }

    private static Map<String, Object> fault(Fault fault) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("mode", fault.mode().wireName());
        switch (fault.mode()) {
            case FAIL -> view.put("status", fault.status());
            case SLOW -> view.put("delayMs", fault.delay().toMillis());
            case RATE_LIMIT -> view.put("retryAfterSeconds", fault.retryAfterSeconds());
            default -> {
            }
        }
        if (fault.times() > 0) {
            view.put("times", fault.times());
        }
        if (fault.percent() < 100) {
            view.put("percent", fault.percent());
        }
        return view;
    }

    private static Map<String, Object> request(RecordedRequest request) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("receivedAt", request.receivedAt().toString());
        view.put("method", request.method());
        view.put("path", request.path());
        view.put("query", request.query());
        view.put("headers", request.headers());
        view.put("body", request.body());
        view.put("fault", request.fault());
        return view;
    }

    private static Map<String, Object> webhook(PostedWebhook webhook) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("finishedAt", webhook.finishedAt().toString());
        view.put("kind", webhook.kind());
        view.put("messageId", webhook.messageId());
        view.put("attempts", webhook.attempts());
        view.put("status", webhook.status());
        view.put("delivered", webhook.delivered());
        view.put("body", webhook.body());
        return view;
    }

    private static Map<String, Object> delivery(WebhookDelivery delivery) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("status", delivery.status());
        view.put("wamid", delivery.wamid());
        if (delivery.error() != null) {
            view.put("error", delivery.error());
        }
        return view;
    }

    // ---- plumbing

    private static String id(Context ctx) {
        return ctx.pathParam("id");
    }

    private JsonNode body(Context ctx) {
        try {
            JsonNode node = json.readTree(ctx.body());
            if (node == null || !node.isObject()) {
                throw new BadRequest("the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadRequest("the request body is not valid JSON");
        }
    }

    private static String text(JsonNode body, String field) {
        String value = optionalText(body, field);
        if (value == null) {
            throw new BadRequest(field + " is required");
        }
        return value;
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull() || value.isContainerNode() || value.asText().isBlank()) {
            return null;
        }
        return value.asText();
    }

    private void write(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render answer", e);
        }
    }

    private void error(Context ctx, int status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        write(ctx, status, body);
    }

    /** A malformed admin request. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
