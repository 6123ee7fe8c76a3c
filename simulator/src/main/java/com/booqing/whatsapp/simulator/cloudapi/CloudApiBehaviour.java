package com.booqing.whatsapp.simulator.cloudapi;

import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.Receipt;
import com.booqing.whatsapp.simulator.provider.InboundText;
import com.booqing.whatsapp.simulator.provider.OutboundWebhook;
import com.booqing.whatsapp.simulator.provider.ProviderBehaviour;
import com.booqing.whatsapp.simulator.provider.ProviderReply;
import com.booqing.whatsapp.simulator.provider.SendListener;
import com.booqing.whatsapp.simulator.provider.SentMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meta's WhatsApp Cloud API for one business phone number (provider-wire-formats.md §1):
 * {@code POST /{version}/{phone-number-id}/messages} and {@code GET /{version}/{phone-number-id}}, Bearer auth,
 * Graph error envelopes, webhooks signed with X-Hub-Signature-256.
 */
public final class CloudApiBehaviour implements ProviderBehaviour {

    public static final String PROVIDER = "cloud-api";
    private static final String VERSION = "v\\d{1,2}\\.\\d";
    private static final Duration CONVERSATION_WINDOW = Duration.ofHours(24);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CloudApiSettings settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final SendRequestValidator validator;
    private final CloudApiWebhooks webhooks;
    private final Map<String, CloudApiWebhooks.Conversation> conversations = new ConcurrentHashMap<>();

    public CloudApiBehaviour(CloudApiSettings settings, ObjectMapper json, Clock clock) {
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.validator = new SendRequestValidator(json);
        this.webhooks = new CloudApiWebhooks(json, settings);
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public void routes(JavalinDefaultRoutingApi routes, SendListener sends) {
        routes.post("/{version}/{phoneNumberId}/messages", ctx -> send(ctx, sends));
        routes.get("/{version}/{phoneNumberId}", this::phoneNumber);
        routes.exception(GraphException.class, (e, ctx) -> reply(ctx, e.reply()));
        routes.error(404, ctx -> {
            if (ctx.result() == null || !ctx.result().startsWith("{")) {
                reply(ctx, GraphErrors.unknownPath(ctx.path()).reply());
            }
        });
    }

    private void send(Context ctx, SendListener sends) {
        authenticate(ctx, "post");
        JsonNode body = validator.parse(ctx.body());
        if (SendRequestValidator.isReadMark(body)) {
            SendRequestValidator.requireWhatsApp(body);
            SendRequestValidator.readMarkMessageId(body);
            json(ctx, 200, Map.of("success", true));
            return;
        }
        SendRequest request = validator.validate(body);
        Instant now = clock.instant();
        String wamid = Wamids.next(request.waId());
        sends.accepted(new SentMessage(wamid, request.waId(), request.type(), request.callbackData(), now));

        Map<String, Object> contact = new LinkedHashMap<>();
        contact.put("input", request.input());
        contact.put("wa_id", request.waId());
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", wamid);
        if (request.type().equals("template")) {
            message.put("message_status", "accepted");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("messaging_product", "whatsapp");
        answer.put("contacts", List.of(contact));
        answer.put("messages", List.of(message));
        json(ctx, 200, answer);
    }

    /** Meta's PhoneNumberInfo; honours ?fields=a,b like Graph (id is always returned). */
    private void phoneNumber(Context ctx) {
        authenticate(ctx, "get");
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("id", settings.phoneNumberId());
        all.put("display_phone_number", settings.displayPhoneNumber());
        all.put("verified_name", settings.verifiedName());
        all.put("quality_rating", "GREEN");
        all.put("status", "CONNECTED");
        all.put("name_status", "APPROVED");
        all.put("code_verification_status", "VERIFIED");
        all.put("platform_type", "CLOUD_API");
        all.put("messaging_limit_tier", "TIER_1K");
        all.put("throughput", Map.of("level", "STANDARD"));
        String fields = ctx.queryParam("fields");
        if (fields == null || fields.isBlank()) {
            json(ctx, 200, all);
            return;
        }
        Map<String, Object> selected = new LinkedHashMap<>();
        selected.put("id", settings.phoneNumberId());
        for (String field : fields.split(",")) {
            String name = field.trim();
            if (!all.containsKey(name)) {
                throw GraphErrors.invalidParameter("Tried accessing nonexisting field (" + name
                        + ") on node type (WhatsAppBusinessPhoneNumber)");
            }
            selected.put(name, all.get(name));
        }
        json(ctx, 200, selected);
    }

    /** Graph checks the token first, then the object, then the parameters. */
    private void authenticate(Context ctx, String method) {
        String header = ctx.header("Authorization");
        String prefix = "bearer ";
        if (header == null || header.length() <= prefix.length()
                || !header.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw GraphErrors.invalidToken();
        }
        byte[] given = header.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, settings.accessToken().getBytes(StandardCharsets.UTF_8))) {
            throw GraphErrors.invalidToken();
        }
        String version = ctx.pathParam("version");
        if (!version.matches(VERSION)) {
            throw GraphErrors.unknownPath(ctx.path());
        }
        String phoneNumberId = ctx.pathParam("phoneNumberId");
        if (!phoneNumberId.equals(settings.phoneNumberId())) {
            throw GraphErrors.unknownObject(method, phoneNumberId);
        }
    }

    @Override
    public ProviderReply faultReply(Fault fault) {
        return switch (fault.mode()) {
            case FAIL -> GraphErrors.serverFailure(fault.status());
            case RATE_LIMIT -> GraphErrors.rateLimited(fault.retryAfterSeconds());
            default -> throw new IllegalArgumentException("no reply for fault mode " + fault.mode());
        };
    }

    @Override
    public OutboundWebhook inboundText(InboundText message) {
        if (message.fromLid() || message.from() == null) {
            throw new IllegalStateException("the Cloud API addresses users by phone number; it has no LIDs");
        }
        return webhooks.inboundText(Wamids.next(message.from()), message);
    }

    @Override
    public OutboundWebhook receipt(SentMessage message, Receipt receipt, Instant at) {
        return webhooks.status(message, receipt, at, conversation(message, at),
                CloudApiWebhooks.StatusError.undeliverable());
    }

    /** One conversation per recipient and 24-hour window, as Meta's conversation-based pricing counts them. */
    private CloudApiWebhooks.Conversation conversation(SentMessage message, Instant at) {
        String category = message.type().equals("template") ? "utility" : "service";
        if (conversations.size() > 10_000) {
            conversations.clear();
        }
        return conversations.compute(message.recipient() + "|" + category, (key, current) ->
                current != null && current.startedAt().plus(CONVERSATION_WINDOW).isAfter(at)
                        ? current
                        : new CloudApiWebhooks.Conversation(randomHex(16), category, at));
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("phoneNumberId", settings.phoneNumberId());
        description.put("displayPhoneNumber", settings.displayPhoneNumber());
        description.put("verifiedName", settings.verifiedName());
        description.put("wabaId", settings.wabaId());
        return description;
    }

    public CloudApiSettings settings() {
        return settings;
    }

    private void reply(Context ctx, ProviderReply reply) {
        reply.headers().forEach(ctx::header);
        json(ctx, reply.status(), reply.body());
    }

    private void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
        } catch (Exception e) {
            throw new IllegalStateException("cannot render answer", e);
        }
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
