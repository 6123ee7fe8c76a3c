package com.booqing.whatsapp.simulator.waha;

import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.PairingTimings;
import com.booqing.whatsapp.simulator.Receipt;
import com.booqing.whatsapp.simulator.provider.Answers;
import com.booqing.whatsapp.simulator.provider.InboundText;
import com.booqing.whatsapp.simulator.provider.OutboundWebhook;
import com.booqing.whatsapp.simulator.provider.Pairing;
import com.booqing.whatsapp.simulator.provider.ProviderBehaviour;
import com.booqing.whatsapp.simulator.provider.ProviderContext;
import com.booqing.whatsapp.simulator.provider.ProviderException;
import com.booqing.whatsapp.simulator.provider.ProviderReply;
import com.booqing.whatsapp.simulator.provider.QrCodes;
import com.booqing.whatsapp.simulator.provider.SendListener;
import com.booqing.whatsapp.simulator.provider.SentMessage;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * WAHA (WhatsApp HTTP API, devlikeapro) with one session on the WEBJS engine, Plus tier (provider-wire-formats.md §2):
 * X-Api-Key auth, the send routes, the session and pairing routes, NestJS error bodies, and webhooks signed with
 * X-Webhook-Hmac (HMAC-SHA512).
 */
public final class WahaBehaviour implements ProviderBehaviour {

    public static final String PROVIDER = "waha";
    private static final int SENT_KEPT = 10_000;

    private enum Send {
        TEXT("chat"), IMAGE("image"), FILE("document"), VOICE("ptt"), VIDEO("video"), LOCATION("location"),
        LIST("list"), BUTTONS("interactive"), CONTACT("vcard"), POLL("poll_creation");

        final String webjsType;

        Send(String webjsType) {
            this.webjsType = webjsType;
        }
    }

    private final WahaSettings settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final WahaSession session;
    private final WahaWebhooks webhooks;
    private final WebjsMessages messages;
    private final Map<String, String> lidToPhone = new ConcurrentHashMap<>();
    private final Map<String, WahaSent> sent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, WahaSent> eldest) {
            return size() > SENT_KEPT;
        }
    };

    private volatile ProviderContext context;
    private volatile WahaWebhookTarget target;
    private volatile JsonNode config;
    private volatile Long lastActivity;

    public WahaBehaviour(WahaSettings settings, ObjectMapper json, Clock clock, PairingTimings timings) {
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.webhooks = new WahaWebhooks(json);
        this.messages = new WebjsMessages(json);
        this.target = WahaWebhookTarget.all(settings.hmacKey());
        this.session = new WahaSession(settings.sessionName(), settings.paired(), timings, clock,
                this::statusChanged);
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public void attach(ProviderContext context) {
        this.context = context;
        session.attach(context.scheduler());
    }

    @Override
    public void routes(JavalinDefaultRoutingApi routes, SendListener sends) {
        routes.before(this::authenticate);
        routes.post("/api/sendText", ctx -> send(ctx, Send.TEXT, sends));
        routes.post("/api/sendImage", ctx -> send(ctx, Send.IMAGE, sends));
        routes.post("/api/sendFile", ctx -> send(ctx, Send.FILE, sends));
        routes.post("/api/sendVoice", ctx -> send(ctx, Send.VOICE, sends));
        routes.post("/api/sendVideo", ctx -> send(ctx, Send.VIDEO, sends));
        routes.post("/api/sendLocation", ctx -> send(ctx, Send.LOCATION, sends));
        routes.post("/api/sendList", ctx -> send(ctx, Send.LIST, sends));
        routes.post("/api/sendButtons", ctx -> send(ctx, Send.BUTTONS, sends));
        routes.post("/api/sendContactVcard", ctx -> send(ctx, Send.CONTACT, sends));
        routes.post("/api/sendPoll", ctx -> send(ctx, Send.POLL, sends));
        routes.put("/api/reaction", this::reaction);

        routes.get("/api/sessions", ctx -> Answers.json(ctx, json, 200,
                session.exists() ? List.of(sessionInfo()) : List.of()));
        routes.post("/api/sessions", this::createSession);
        routes.get("/api/sessions/{session}", ctx -> {
            requireExisting(ctx);
            Answers.json(ctx, json, 200, sessionInfo());
        });
        routes.put("/api/sessions/{session}", this::updateSession);
        routes.delete("/api/sessions/{session}", ctx -> {
            if (ours(ctx.pathParam("session")) && session.exists()) {
                session.delete();
                config = null;
            }
            Answers.empty(ctx, 200);
        });
        routes.post("/api/sessions/{session}/start", ctx -> lifecycle(ctx, session::start));
        routes.post("/api/sessions/{session}/stop", ctx -> lifecycle(ctx, session::stop));
        routes.post("/api/sessions/{session}/restart", ctx -> lifecycle(ctx, session::restart));
        routes.post("/api/sessions/{session}/logout", ctx -> lifecycle(ctx, session::logout));
        routes.get("/api/sessions/{session}/me", this::me);
        routes.get("/api/{session}/auth/qr", this::qr);
        routes.post("/api/{session}/auth/request-code", this::requestCode);
        routes.get("/api/{session}/lids/{lid}", this::lid);

        routes.exception(ProviderException.class, (e, ctx) -> Answers.reply(ctx, json, e.reply()));
        routes.error(404, ctx -> {
            if (ctx.result() == null || !ctx.result().startsWith("{") && !ctx.result().startsWith("[")) {
                Answers.reply(ctx, json, WahaErrors.routeNotFound(ctx.method().name(), ctx.path()));
            }
        });
    }

    // ---- sending

    private void send(Context ctx, Send kind, SendListener sends) {
        JsonNode body = body(ctx);
        Problems problems = new Problems();
        // sendList and sendButtons run Nest's ValidationPipe before the handler; the others check the session first.
        boolean validatedFirst = kind == Send.LIST || kind == Send.BUTTONS;
        if (!validatedFirst) {
            requireWorking(body.get("session"));
        }
        String chatId = WahaRequests.chatId(body, problems, kind == Send.LIST);
        WahaRequests.optionalText(body, "reply_to", problems);
        String text = "";
        List<String> vCards = List.of();
        switch (kind) {
            case TEXT -> {
                WahaRequests.text(body, "text", problems, true);
                WahaRequests.optionalBoolean(body, "linkPreview", problems);
                text = body.path("text").asText("");
            }
            case IMAGE, FILE, VOICE, VIDEO -> {
                WahaRequests.file(body, "file", problems);
                WahaRequests.optionalText(body, "caption", problems);
                WahaRequests.optionalBoolean(body, "convert", problems);
                text = body.path("caption").asText("");
            }
            case LOCATION -> WahaRequests.location(body, problems);
            case LIST -> {
                WahaRequests.list(body, problems);
                text = body.path("message").path("description").asText(body.path("message").path("title").asText(""));
            }
            case BUTTONS -> {
                WahaRequests.buttons(body, problems);
                text = body.path("body").asText("");
            }
            case CONTACT -> vCards = WahaRequests.contacts(body, problems);
            case POLL -> {
                WahaRequests.poll(body, problems);
                text = body.path("poll").path("name").asText("");
            }
            default -> throw new IllegalStateException("unhandled send " + kind);
        }
        problems.throwIfAny();
        if (validatedFirst) {
            requireWorking(body.get("session"));
        }
        String type = kind == Send.CONTACT && vCards.size() > 1 ? "multi_vcard" : kind.webjsType;
        if (kind == Send.CONTACT && vCards.size() == 1) {
            text = vCards.get(0);
        }
        Instant now = clock.instant();
        boolean media = kind == Send.IMAGE || kind == Send.FILE || kind == Send.VOICE || kind == Send.VIDEO;
        WahaSent message = new WahaSent(WahaIds.sentMessageId(), chatId, type, text, media, vCards,
                body.path("reply_to").isTextual(), now.getEpochSecond());
        synchronized (sent) {
            sent.put(message.serialized(), message);
        }
        lastActivity = now.toEpochMilli();
        sends.accepted(new SentMessage(message.serialized(), chatId, type, null, now));
        Answers.json(ctx, json, 201, messages.sendAnswer(message, me()));
    }

    /** PUT /api/reaction: WEBJS' message.react() resolves to nothing, so WAHA answers 200 without a body. */
    private void reaction(Context ctx) {
        JsonNode body = body(ctx);
        requireWorking(body.get("session"));
        Problems problems = new Problems();
        WahaRequests.reaction(body, problems);
        problems.throwIfAny();
        lastActivity = clock.millis();
        Answers.empty(ctx, 200);
    }

    /** SessionManager.getWorkingSession: 422 unless the named session exists and is WORKING. */
    private void requireWorking(JsonNode sessionField) {
        requireStatus(sessionField == null || !sessionField.isTextual() ? null : sessionField.asText(),
                WahaSession.Status.WORKING);
    }

    private void requireStatus(String name, WahaSession.Status expected) {
        if (name == null || name.isBlank()) {
            throw WahaErrors.sessionRequired();
        }
        if (!ours(name) || !session.exists()) {
            throw WahaErrors.sessionDoesNotExist(name);
        }
        WahaSession.Status status = session.current();
        if (status != expected) {
            throw WahaErrors.statusNotExpected(name, status.name(), expected.name());
        }
    }

    // ---- sessions

    private void createSession(Context ctx) {
        JsonNode body = body(ctx);
        Problems problems = new Problems();
        WahaRequests.optionalText(body, "name", problems);
        WahaRequests.optionalBoolean(body, "start", problems);
        if (body.has("config") && !body.get("config").isNull() && !body.get("config").isObject()) {
            problems.add("config must be an object");
        }
        problems.throwIfAny();
        String name = body.path("name").asText(settings.sessionName());
        if (!ours(name)) {
            throw WahaErrors.unprocessable("This simulated WAHA serves only the session '" + settings.sessionName()
                    + "', not '" + name + "'");
        }
        if (session.exists()) {
            throw WahaErrors.unprocessable("Session '" + name + "' already exists. Use PUT to update it.");
        }
        applyConfig(body.get("config"));
        session.create(body.path("start").asBoolean(true));
        Answers.json(ctx, json, 201, sessionInfo());
    }

    /** PUT /api/sessions/{session}: new config; a running session restarts to apply it. */
    private void updateSession(Context ctx) {
        requireExisting(ctx);
        JsonNode body = body(ctx);
        applyConfig(body.get("config"));
        WahaSession.Status status = session.current();
        if (status != WahaSession.Status.STOPPED && status != WahaSession.Status.FAILED) {
            session.restart();
        }
        Answers.json(ctx, json, 200, sessionInfo());
    }

    private void lifecycle(Context ctx, Runnable change) {
        requireExisting(ctx);
        change.run();
        Answers.json(ctx, json, 201, sessionInfo());
    }

    private void me(Context ctx) {
        String name = ctx.pathParam("session");
        requireRunning(name);
        if (session.connected()) {
            Answers.json(ctx, json, 200, meInfo());
        } else {
            Answers.empty(ctx, 200);
        }
    }

    /** GET /api/{session}/auth/qr: PNG by default, {mimetype, data} for Accept: application/json, {value} for raw. */
    private void qr(Context ctx) {
        requireStatus(ctx.pathParam("session"), WahaSession.Status.SCAN_QR_CODE);
        String value = session.qr();
        if (value == null) {
            throw WahaErrors.statusNotExpected(ctx.pathParam("session"), session.status(), "SCAN_QR_CODE");
        }
        if ("raw".equals(ctx.queryParam("format"))) {
            Answers.json(ctx, json, 200, Map.of("value", value));
            return;
        }
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("application/json")) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("mimetype", "image/png");
            file.put("data", QrCodes.pngBase64(value));
            Answers.json(ctx, json, 200, file);
            return;
        }
        ctx.status(200).contentType("image/png").result(QrCodes.png(value));
    }

    private void requestCode(Context ctx) {
        String name = ctx.pathParam("session");
        requireRunning(name);
        JsonNode body = body(ctx);
        Problems problems = new Problems();
        WahaRequests.text(body, "phoneNumber", problems, true);
        problems.throwIfAny();
        if (!session.status().equals(WahaSession.Status.SCAN_QR_CODE.name())) {
            throw WahaErrors.statusNotExpected(name, session.status(), WahaSession.Status.SCAN_QR_CODE.name());
        }
        Answers.json(ctx, json, 201, Map.of("code", session.requestCode()));
    }

    /** GET /api/{session}/lids/{lid}: {lid, pn} — pn is null for a LID whose phone number nobody told us. */
    private void lid(Context ctx) {
        requireStatus(ctx.pathParam("session"), WahaSession.Status.WORKING);
        String lid = URLDecoder.decode(ctx.pathParam("lid"), StandardCharsets.UTF_8);
        String digits = lid.endsWith("@lid") ? lid.substring(0, lid.length() - 4) : lid;
        String phone = lidToPhone.get(digits);
        ObjectNode answer = json.createObjectNode();
        answer.put("lid", digits + "@lid");
        if (phone == null) {
            answer.putNull("pn");
        } else {
            answer.put("pn", phone + "@c.us");
        }
        Answers.json(ctx, json, 200, answer);
    }

    /** SessionPipe: the session must exist and run (WAHA Core keeps no session object while STOPPED). */
    private void requireRunning(String name) {
        if (!ours(name) || !session.exists() || session.current() == WahaSession.Status.STOPPED) {
            throw WahaErrors.notFound("We didn't find a session with name '" + name + "'.\n"
                    + "Please start it first by using POST /api/sessions/" + name + "/start request");
        }
    }

    private void requireExisting(Context ctx) {
        String name = ctx.pathParam("session");
        if (!ours(name) || !session.exists()) {
            throw WahaErrors.notFound("Session not found");
        }
    }

    private boolean ours(String name) {
        return settings.sessionName().equals(name);
    }

    /** SessionDetailedInfo: {name, status, config, me, presence, timestamps, engine}. */
    private ObjectNode sessionInfo() {
        ObjectNode info = json.createObjectNode();
        info.put("name", settings.sessionName());
        info.put("status", session.status());
        info.set("config", maskedConfig());
        if (session.connected()) {
            info.set("me", meInfo());
            info.put("presence", "online");
        } else {
            info.putNull("me");
            info.putNull("presence");
        }
        Long activity = lastActivity;
        ObjectNode timestamps = info.putObject("timestamps");
        if (activity == null) {
            timestamps.putNull("activity");
        } else {
            timestamps.put("activity", activity);
        }
        info.putObject("engine").put("engine", WahaWebhooks.ENGINE);
        return info;
    }

    /**
     * Applies a session config's first webhook (url, events, hmac.key, customHeaders), as WAHA does for
     * config.webhooks; without webhooks the endpoint's registered target stays (like WAHA's global WHATSAPP_HOOK_*).
     */
    private void applyConfig(JsonNode given) {
        if (given == null || given.isNull()) {
            config = null;
            return;
        }
        JsonNode hooks = given.path("webhooks");
        if (hooks.isArray() && !hooks.isEmpty()) {
            JsonNode hook = hooks.get(0);
            Problems problems = new Problems();
            Problems inHook = problems.in("config.webhooks.0");
            WahaRequests.text(hook, "url", inHook, true);
            if (hook.path("url").isTextual() && !hook.path("url").asText().matches("https?://\\S+")) {
                inHook.add("url must be a URL address");
            }
            problems.throwIfAny();
            Set<String> events = new LinkedHashSet<>();
            hook.path("events").forEach(event -> events.add(event.asText()));
            Map<String, String> headers = new LinkedHashMap<>();
            hook.path("customHeaders").forEach(h -> headers.put(h.path("name").asText(), h.path("value").asText()));
            headers.remove("");
            String key = hook.path("hmac").path("key").asText(null);
            target = new WahaWebhookTarget(events, key == null || key.isBlank() ? null : key, headers);
            ProviderContext ctx = context;
            if (ctx != null) {
                ctx.webhookUrl(hook.path("url").asText());
            }
        }
        config = given.deepCopy();
    }

    /** The config as given, with HMAC keys blanked so no secret leaves the simulator. */
    private JsonNode maskedConfig() {
        JsonNode current = config;
        if (current == null) {
            return json.nullNode();
        }
        JsonNode copy = current.deepCopy();
        copy.path("webhooks").forEach(hook -> {
            if (hook.path("hmac").isObject() && hook.path("hmac").has("key")) {
                ((ObjectNode) hook.path("hmac")).put("key", "***");
            }
        });
        return copy;
    }

    // ---- webhooks

    private void statusChanged(WahaSession.Status status, List<WahaSession.Point> lastThree) {
        ProviderContext ctx = context;
        WahaWebhookTarget current = target;
        if (ctx == null || !current.accepts("session.status")) {
            return;
        }
        ObjectNode payload = json.createObjectNode();
        payload.put("name", settings.sessionName());
        payload.put("status", status.name());
        ArrayNode points = payload.putArray("statuses");
        lastThree.forEach(point -> points.addObject().put("status", point.status().name())
                .put("timestamp", point.timestamp()));
        ctx.post(webhooks.post("session.status", "session.status:" + status.name(), settings.sessionName(),
                settings.sessionName(), metadata(), status == WahaSession.Status.WORKING ? meInfo() : null, payload,
                clock.instant(), current));
    }

    @Override
    public OutboundWebhook inboundText(InboundText message) {
        if (!session.connected()) {
            throw new IllegalStateException("WAHA session '" + settings.sessionName() + "' is " + session.status()
                    + "; only a WORKING session receives messages");
        }
        WahaWebhookTarget current = target;
        if (!current.accepts("message")) {
            throw new IllegalStateException("the WAHA webhook is not subscribed to 'message' events");
        }
        String from;
        String altPhone = null;
        if (message.fromLid()) {
            from = message.lid() + "@lid";
            if (message.from() != null) {
                altPhone = message.from();
                lidToPhone.put(message.lid(), message.from());
            }
        } else {
            from = message.from() + "@c.us";
        }
        ObjectNode payload = messages.inboundPayload(WahaIds.phoneMessageId(), from, me(), message.text(),
                message.name(), message.at().getEpochSecond(), altPhone);
        return webhooks.post("message", "message", payload.path("id").asText(), settings.sessionName(), metadata(),
                meInfo(), payload, clock.instant(), current);
    }

    @Override
    public OutboundWebhook receipt(SentMessage message, Receipt receipt, Instant at) {
        WahaSent details;
        synchronized (sent) {
            details = sent.get(message.messageId());
        }
        if (details == null) {
            details = fromSerialized(message);
        }
        String event = details.chatId().endsWith("@g.us") ? "message.ack.group" : "message.ack";
        WahaWebhookTarget current = target;
        if (!current.accepts(event)) {
            return null;
        }
        int ack = switch (receipt) {
            case SENT -> 1;
            case DELIVERED -> 2;
            case READ -> 3;
            case PLAYED -> 4;
            case FAILED -> -1;
        };
        ObjectNode payload = messages.ackPayload(details, me(), ack);
        return webhooks.post(event, event + ":" + WebjsMessages.ackName(ack), details.serialized(),
                settings.sessionName(), metadata(), meInfo(), payload, at, current);
    }

    /** A receipt for a message the simulator never sent: take chat and id from "true_{chatId}_{id}". */
    private WahaSent fromSerialized(SentMessage message) {
        String[] parts = message.messageId().split("_", 3);
        String chatId = parts.length == 3 && parts[1].contains("@") ? parts[1] : recipientId(message.recipient());
        String id = parts.length == 3 ? parts[2] : message.messageId();
        return new WahaSent(id, chatId, "chat", "", false, List.of(), false, message.acceptedAt().getEpochSecond());
    }

    @Override
    public String recipientId(String given) {
        if (given == null) {
            return null;
        }
        String trimmed = given.trim();
        return trimmed.matches("\\+?\\d{5,20}") ? trimmed.replace("+", "") + "@c.us" : trimmed;
    }

    @Override
    public ProviderReply faultReply(Fault fault) {
        return switch (fault.mode()) {
            case FAIL -> WahaErrors.serverError(fault.status(), clock.instant());
            case RATE_LIMIT -> WahaErrors.tooManyRequests(fault.retryAfterSeconds());
            default -> throw new IllegalArgumentException("no reply for fault mode " + fault.mode());
        };
    }

    @Override
    public Optional<Pairing> pairing() {
        return Optional.of(session);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("sessionName", settings.sessionName());
        description.put("status", session.exists() ? session.status() : "DELETED");
        description.put("ownNumber", settings.ownNumber());
        description.put("pushName", settings.pushName());
        WahaWebhookTarget current = target;
        description.put("events", List.copyOf(current.events()));
        description.put("signed", current.hmacKey() != null);
        return description;
    }

    @Override
    public void close() {
        session.close();
    }

    public WahaSettings settings() {
        return settings;
    }

    // ---- plumbing

    private String me() {
        return settings.ownNumber() + "@c.us";
    }

    /** MeInfo {id, pushName}. */
    private ObjectNode meInfo() {
        ObjectNode me = json.createObjectNode();
        me.put("id", me());
        me.put("pushName", settings.pushName());
        return me;
    }

    private JsonNode metadata() {
        JsonNode current = config;
        return current == null ? null : current.get("metadata");
    }

    private void authenticate(Context ctx) {
        String given = ctx.header("X-Api-Key");
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                settings.apiKey().getBytes(StandardCharsets.UTF_8))) {
            throw WahaErrors.unauthorized();
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
            throw WahaErrors.badJson();
        }
    }
}
