package com.booqing.whatsapp.simulator.evolution;

import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.PairingTimings;
import com.booqing.whatsapp.simulator.Receipt;
import com.booqing.whatsapp.simulator.provider.Answers;
import com.booqing.whatsapp.simulator.provider.InboundText;
import com.booqing.whatsapp.simulator.provider.OutboundWebhook;
import com.booqing.whatsapp.simulator.provider.Pairing;
import com.booqing.whatsapp.simulator.provider.ProviderBehaviour;
import com.booqing.whatsapp.simulator.provider.ProviderContext;
import com.booqing.whatsapp.simulator.provider.ProviderReply;
import com.booqing.whatsapp.simulator.provider.ProviderException;
import com.booqing.whatsapp.simulator.provider.SendListener;
import com.booqing.whatsapp.simulator.provider.SentMessage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evolution API v2 (2.3.6, Baileys integration) with one instance (provider-wire-formats.md §3): {@code apikey}
 * header auth (global key or instance token) after the instance-exists guard, the send routes with their JSON-schema
 * and controller checks, the instance routes, and webhooks with optional byEvents paths and jwt_key tokens.
 */
public final class EvolutionBehaviour implements ProviderBehaviour {

    public static final String PROVIDER = "evolution";
    private static final int SENT_KEPT = 10_000;

    private final EvolutionSettings settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final EvolutionInstance instance;
    private final EvolutionWebhooks webhooks;
    private final EvolutionMessages messages;
    private final Map<String, String> sentTo = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > SENT_KEPT;
        }
    };

    private volatile ProviderContext context;
    private volatile EvolutionWebhookConfig webhookConfig;

    public EvolutionBehaviour(EvolutionSettings settings, ObjectMapper json, Clock clock, PairingTimings timings) {
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.webhooks = new EvolutionWebhooks(json);
        this.messages = new EvolutionMessages(json);
        this.webhookConfig = new EvolutionWebhookConfig(true, settings.events(), settings.byEvents(), Map.of(),
                settings.jwtKey());
        this.instance = new EvolutionInstance(settings, timings, clock, json, this::emit);
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public void attach(ProviderContext context) {
        this.context = context;
        instance.attach(context.scheduler());
    }

    @Override
    public void routes(JavalinDefaultRoutingApi routes, SendListener sends) {
        routes.post("/message/sendText/{instance}", ctx -> send(ctx, EvolutionRequests.Kind.TEXT, sends));
        routes.post("/message/sendMedia/{instance}", ctx -> send(ctx, EvolutionRequests.Kind.MEDIA, sends));
        routes.post("/message/sendLocation/{instance}", ctx -> send(ctx, EvolutionRequests.Kind.LOCATION, sends));
        routes.post("/message/sendReaction/{instance}", ctx -> send(ctx, EvolutionRequests.Kind.REACTION, sends));
        routes.post("/message/sendButtons/{instance}", ctx -> send(ctx, EvolutionRequests.Kind.BUTTONS, sends));
        routes.post("/message/sendList/{instance}", ctx -> send(ctx, EvolutionRequests.Kind.LIST, sends));
        routes.post("/message/sendContact/{instance}", ctx -> send(ctx, EvolutionRequests.Kind.CONTACT, sends));

        routes.post("/instance/create", this::create);
        routes.get("/instance/connect/{instance}", this::connect);
        routes.get("/instance/connectionState/{instance}", ctx -> {
            guard(ctx);
            Answers.json(ctx, json, 200, connectionState());
        });
        routes.delete("/instance/logout/{instance}", this::logout);
        routes.delete("/instance/delete/{instance}", ctx -> {
            guard(ctx);
            instance.delete();
            Answers.json(ctx, json, 200, success("Instance deleted"));
        });
        routes.post("/instance/restart/{instance}", this::restart);
        routes.post("/webhook/set/{instance}", this::setWebhook);
        routes.get("/webhook/find/{instance}", ctx -> {
            guard(ctx);
            Answers.json(ctx, json, 200, webhookView());
        });

        routes.exception(ProviderException.class, (e, ctx) -> Answers.reply(ctx, json, e.reply()));
        routes.error(404, ctx -> {
            if (ctx.result() == null || !ctx.result().startsWith("{")) {
                String url = ctx.queryString() == null ? ctx.path() : ctx.path() + "?" + ctx.queryString();
                Answers.reply(ctx, json, EvolutionErrors.routeNotFound(ctx.method().name(), url));
            }
        });
    }

    // ---- sending

    private void send(Context ctx, EvolutionRequests.Kind kind, SendListener sends) {
        JsonNode body = body(ctx);
        guard(ctx);
        List<String> problems = EvolutionRequests.schemaProblems(kind, body);
        if (!problems.isEmpty()) {
            throw EvolutionErrors.badRequest(problems);
        }
        String problem = EvolutionRequests.controllerProblem(kind, body);
        if (problem != null) {
            throw EvolutionErrors.badRequest(problem);
        }
        if (!instance.connected()) {
            throw EvolutionErrors.connectionClosed();
        }
        Instant now = clock.instant();
        String remoteJid = kind == EvolutionRequests.Kind.REACTION
                ? body.path("key").path("remoteJid").asText()
                : Jids.createJid(body.path("number").asText());
        ObjectNode message = switch (kind) {
            case TEXT -> messages.text(body.path("text").asText());
            case MEDIA -> messages.media(body);
            case LOCATION -> messages.location(body);
            case REACTION -> messages.reaction(body, now.toEpochMilli());
            case BUTTONS -> messages.buttons(body);
            case LIST -> messages.list(body);
            case CONTACT -> messages.contacts(body);
        };
        String messageType = kind == EvolutionRequests.Kind.TEXT ? "conversation" : message.fieldNames().next();
        String id = EvolutionMessages.sentMessageId();
        ObjectNode raw = messages.sent(remoteJid, id, messageType, message, now.getEpochSecond(),
                instance.instanceId());
        synchronized (sentTo) {
            sentTo.put(id, remoteJid);
        }
        emit("send.message", raw.deepCopy());
        if (kind != EvolutionRequests.Kind.REACTION) {
            sends.accepted(new SentMessage(id, remoteJid, messageType, null, now));
        }
        Answers.json(ctx, json, 201, raw);
    }

    // ---- instances

    /** POST /instance/create (global apikey): a closed, unpaired instance; connects at once with qrcode:true. */
    private void create(Context ctx) {
        JsonNode body = body(ctx);
        String name = body.path("instanceName").asText("");
        if (name.isEmpty()) {
            throw EvolutionErrors.badRequest("The \"instanceName\" cannot be empty");
        }
        if (ours(name) && instance.exists()) {
            throw EvolutionErrors.forbidden("This name \"" + name + "\" is already in use.");
        }
        if (!globalKey(ctx.header("apikey"))) {
            throw EvolutionErrors.unauthorized();
        }
        if (!ours(name)) {
            throw EvolutionErrors.badRequest("This simulated Evolution API serves only the instance \""
                    + settings.instanceName() + "\"");
        }
        String integration = body.path("integration").asText("WHATSAPP-BAILEYS");
        if (!integration.equals("WHATSAPP-BAILEYS")) {
            throw EvolutionErrors.badRequest("Invalid integration");
        }
        JsonNode webhook = body.path("webhook");
        if (webhook.isObject()) {
            applyWebhook(webhook, true);
        }
        boolean qrcode = body.path("qrcode").asBoolean(false);
        String number = body.path("number").asText(null);
        String token = body.path("token").asText(null);
        instance.create(token, number, qrcode);

        ObjectNode answer = json.createObjectNode();
        ObjectNode created = answer.putObject("instance");
        created.put("instanceName", name);
        created.put("instanceId", instance.instanceId());
        created.put("integration", integration);
        created.putNull("webhookWaBusiness");
        created.put("accessTokenWaBusiness", "");
        created.put("status", instance.state());
        answer.put("hash", instance.token());
        ObjectNode hook = answer.putObject("webhook");
        EvolutionWebhookConfig config = webhookConfig;
        ProviderContext ctxNow = context;
        putNullable(hook, "webhookUrl", webhook.isObject() && ctxNow != null ? ctxNow.webhookUrl() : null);
        hook.set("webhookHeaders", webhook.isObject() ? maskedHeaders(webhook.path("headers")) : null);
        hook.put("webhookByEvents", config.byEvents());
        hook.put("webhookBase64", webhook.path("base64").asBoolean(false));
        answer.putObject("websocket").putNull("enabled");
        answer.putObject("rabbitmq").putNull("enabled");
        answer.putObject("nats").putNull("enabled");
        answer.putObject("sqs").putNull("enabled");
        ObjectNode settingsView = answer.putObject("settings");
        settingsView.put("rejectCall", false);
        settingsView.put("msgCall", "");
        settingsView.put("groupsIgnore", false);
        settingsView.put("alwaysOnline", false);
        settingsView.put("readMessages", false);
        settingsView.put("readStatus", false);
        settingsView.put("syncFullHistory", false);
        settingsView.put("wavoipToken", "");
        if (qrcode) {
            answer.set("qrcode", instance.qrCodeBody());
        }
        Answers.json(ctx, json, 201, answer);
    }

    /** GET /instance/connect/{instance}[?number=]: the QR code (with a pairing code for a number), or the state. */
    private void connect(Context ctx) {
        guard(ctx);
        ObjectNode qr = instance.connect(ctx.queryParam("number"));
        Answers.json(ctx, json, 200, qr == null ? connectionState() : qr);
    }

    private void logout(Context ctx) {
        guard(ctx);
        if (!instance.logout()) {
            throw EvolutionErrors.badRequest("The \"" + settings.instanceName() + "\" instance is not connected");
        }
        Answers.json(ctx, json, 200, success("Instance logged out"));
    }

    /**
     * POST /instance/restart: restartInstance catches its own BadRequestException — a thrown plain object — and
     * answers 200 {error:true, message:"[object Object]"} for a closed instance.
     */
    private void restart(Context ctx) {
        guard(ctx);
        if (instance.state().equals("close")) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("error", true);
            answer.put("message", "[object Object]");
            Answers.json(ctx, json, 200, answer);
            return;
        }
        ObjectNode qr = instance.restart();
        Answers.json(ctx, json, 200, qr == null ? connectionState() : qr);
    }

    /** POST /webhook/set/{instance} {webhook:{enabled, url, headers?, byEvents?, base64?, events?}}. */
    private void setWebhook(Context ctx) {
        JsonNode body = body(ctx);
        guard(ctx);
        JsonNode webhook = body.path("webhook");
        if (!webhook.isObject()) {
            throw EvolutionErrors.badRequest("instance requires property \"webhook\"");
        }
        List<String> missing = new ArrayList<>();
        for (String field : List.of("enabled", "url")) {
            if (!webhook.has(field)) {
                missing.add("webhook requires property \"" + field + "\"");
            }
        }
        if (!missing.isEmpty()) {
            throw EvolutionErrors.badRequest(missing);
        }
        applyWebhook(webhook, webhook.path("enabled").asBoolean(false));
        Answers.json(ctx, json, 201, webhookView());
    }

    private void applyWebhook(JsonNode webhook, boolean enabled) {
        Set<String> events = new LinkedHashSet<>();
        webhook.path("events").forEach(event -> events.add(event.asText()));
        for (String event : events) {
            if (!EvolutionWebhookConfig.ALL_EVENTS.contains(event)) {
                throw EvolutionErrors.badRequest("webhook.events[] is not one of enum values: "
                        + String.join(",", EvolutionWebhookConfig.ALL_EVENTS));
            }
        }
        if (!enabled) {
            events.clear();
        } else if (events.isEmpty()) {
            events.addAll(EvolutionWebhookConfig.ALL_EVENTS);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        webhook.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        String jwtKey = headers.remove("jwt_key");
        webhookConfig = new EvolutionWebhookConfig(enabled, events, webhook.path("byEvents").asBoolean(false),
                headers, jwtKey);
        String url = webhook.path("url").asText(null);
        ProviderContext ctx = context;
        if (ctx != null && url != null && !url.isBlank()) {
            ctx.webhookUrl(url);
        }
    }

    private ObjectNode webhookView() {
        EvolutionWebhookConfig config = webhookConfig;
        ProviderContext ctx = context;
        ObjectNode view = json.createObjectNode();
        putNullable(view, "url", ctx == null ? null : ctx.webhookUrl());
        ObjectNode headers = view.putObject("headers");
        config.headers().keySet().forEach(name -> headers.put(name, "***"));
        if (config.jwtKey() != null) {
            headers.put("jwt_key", "***");
        }
        view.put("enabled", config.enabled());
        view.set("events", json.valueToTree(List.copyOf(config.events())));
        view.put("webhookByEvents", config.byEvents());
        view.put("webhookBase64", false);
        view.put("instanceId", instance.instanceId());
        return view;
    }

    private ObjectNode connectionState() {
        ObjectNode state = json.createObjectNode();
        ObjectNode inner = state.putObject("instance");
        inner.put("instanceName", settings.instanceName());
        inner.put("state", instance.state());
        return state;
    }

    private static Map<String, Object> success(String message) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "SUCCESS");
        answer.put("error", false);
        answer.put("response", Map.of("message", message));
        return answer;
    }

    /** index.router.ts guards: instanceExistsGuard (404) runs before the apikey guard (401). */
    private void guard(Context ctx) {
        String name = ctx.pathParam("instance");
        if (!ours(name) || !instance.exists()) {
            throw EvolutionErrors.instanceDoesNotExist(name);
        }
        String key = ctx.header("apikey");
        if (key == null || key.isEmpty()) {
            throw EvolutionErrors.unauthorized();
        }
        if (!globalKey(key) && !same(key, instance.token())) {
            throw EvolutionErrors.unauthorized();
        }
    }

    private boolean globalKey(String key) {
        return key != null && same(key, settings.apiKey());
    }

    private static boolean same(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
    }

    private boolean ours(String name) {
        return settings.instanceName().equals(name);
    }

    // ---- webhooks

    /** Posts an event the instance raised on its own, if subscribed. */
    private void emit(String event, ObjectNode data) {
        ProviderContext ctx = context;
        EvolutionWebhookConfig config = webhookConfig;
        if (ctx == null || !config.accepts(event)) {
            return;
        }
        String kind = data.has("state") ? event + ":" + data.path("state").asText() : event;
        ctx.post(webhook(event, kind, settings.instanceName(), data, config));
    }

    private OutboundWebhook webhook(String event, String kind, String about, JsonNode data,
                                    EvolutionWebhookConfig config) {
        ProviderContext ctx = context;
        String url = ctx == null ? null : ctx.webhookUrl();
        return webhooks.post(event, kind, about, settings.instanceName(), data, url, instance.wuid(),
                ctx == null ? null : ctx.apiUrl(), clock.instant(), config);
    }

    @Override
    public OutboundWebhook inboundText(InboundText message) {
        if (!instance.connected()) {
            throw new IllegalStateException("Evolution instance '" + settings.instanceName() + "' is "
                    + instance.status() + "; only an open instance receives messages");
        }
        EvolutionWebhookConfig config = webhookConfig;
        if (!config.accepts("messages.upsert")) {
            throw new IllegalStateException("the Evolution webhook is not subscribed to MESSAGES_UPSERT");
        }
        String remoteJid;
        String alt = null;
        if (message.fromLid()) {
            remoteJid = message.lid() + "@lid";
            alt = message.from() == null ? null : message.from() + "@s.whatsapp.net";
        } else {
            remoteJid = message.from() + "@s.whatsapp.net";
        }
        String id = EvolutionMessages.phoneMessageId();
        ObjectNode data = messages.inbound(remoteJid, alt, id, message.name(), message.text(),
                message.at().getEpochSecond(), instance.instanceId());
        return webhook("messages.upsert", "messages.upsert", id, data, config);
    }

    @Override
    public OutboundWebhook receipt(SentMessage message, Receipt receipt, Instant at) {
        EvolutionWebhookConfig config = webhookConfig;
        if (!config.accepts("messages.update")) {
            return null;
        }
        String status = switch (receipt) {
            case SENT -> "SERVER_ACK";
            case DELIVERED -> "DELIVERY_ACK";
            case READ -> "READ";
            case PLAYED -> "PLAYED";
            case FAILED -> "ERROR";
        };
        ObjectNode data = json.createObjectNode();
        data.put("keyId", message.messageId());
        data.put("remoteJid", message.recipient());
        data.put("fromMe", true);
        data.put("status", status);
        data.put("instanceId", instance.instanceId());
        data.put("messageId", EvolutionMessages.recordId());
        return webhook("messages.update", "messages.update:" + status, message.messageId(), data, config);
    }

    @Override
    public String recipientId(String given) {
        return given == null ? null : Jids.createJid(given);
    }

    @Override
    public ProviderReply faultReply(Fault fault) {
        return switch (fault.mode()) {
            case FAIL -> EvolutionErrors.serverError(fault.status());
            case RATE_LIMIT -> EvolutionErrors.tooManyRequests(fault.retryAfterSeconds());
            default -> throw new IllegalArgumentException("no reply for fault mode " + fault.mode());
        };
    }

    @Override
    public Optional<Pairing> pairing() {
        return Optional.of(instance);
    }

    @Override
    public Map<String, Object> describe() {
        EvolutionWebhookConfig config = webhookConfig;
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("instanceName", settings.instanceName());
        description.put("state", instance.status());
        description.put("ownerNumber", settings.ownerNumber());
        description.put("profileName", settings.profileName());
        description.put("webhookEnabled", config.enabled());
        description.put("byEvents", config.byEvents());
        description.put("events", List.copyOf(config.events()));
        description.put("jwt", config.jwtKey() != null);
        return description;
    }

    @Override
    public void close() {
        instance.close();
    }

    public EvolutionSettings settings() {
        return settings;
    }

    /** The instance's token ("hash"), which the apikey header also accepts. */
    public String instanceToken() {
        return instance.token();
    }

    // ---- plumbing

    private ObjectNode maskedHeaders(JsonNode headers) {
        ObjectNode masked = json.createObjectNode();
        headers.fieldNames().forEachRemaining(name -> masked.put(name, "***"));
        return masked;
    }

    private static void putNullable(ObjectNode node, String field, String value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    private JsonNode body(Context ctx) {
        String raw = ctx.body();
        if (raw == null || raw.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(raw);
            return node != null && node.isObject() ? node : json.createObjectNode();
        } catch (JsonProcessingException e) {
            throw EvolutionErrors.badJson();
        }
    }
}
