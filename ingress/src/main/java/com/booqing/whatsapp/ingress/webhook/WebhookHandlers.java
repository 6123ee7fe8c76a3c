package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.crypto.SecretBox.SealedSecretException;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.logging.LogContext;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.ingress.endpoint.EndpointDirectory;
import com.booqing.whatsapp.ingress.http.ApiException;
import com.booqing.whatsapp.ingress.http.Bodies;
import com.booqing.whatsapp.ingress.http.ConstantTime;
import com.booqing.whatsapp.ingress.http.ThrottledLog;
import com.booqing.whatsapp.ingress.http.TooManyRequestsException;
import com.booqing.whatsapp.ingress.http.UnavailableException;
import com.booqing.whatsapp.ingress.kafka.AckedPublisher;
import com.booqing.whatsapp.ingress.webhook.WebhookMetrics.Refusal;
import io.javalin.http.Context;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * {@code POST /api/whatsapp/webhook/{tenantId}/{endpointId}} (a provider delivers), the same with a trailing
 * {@code /{event}} (Evolution with {@code byEvents}, which posts to {@code <url>/messages-upsert} and the like)
 * and {@code GET} on the first path (Meta's verification handshake).
 *
 * <p>Cheap refusals come first, before any HMAC work: the per-path rate limit (429, Retry-After 1), then the
 * declared size and the content type, then the bounded body read. A webhook for an endpoint that does not exist,
 * is inactive, belongs to another tenant, or (on the event route) is not an Evolution endpoint gets exactly the
 * answer of a bad signature, after the same HMAC work, so that nobody learns which tenants and endpoints exist.
 * A verified webhook is answered 200 only after Kafka acknowledged its raw bytes; a broker fault is a 503 with
 * Retry-After so that the provider retries.
 */
public final class WebhookHandlers {
    private static final Logger log = LoggerFactory.getLogger(WebhookHandlers.class);
    private static final int MAX_CHALLENGE_LENGTH = 1024;
    /** Kept with the raw webhook: the event Evolution named in the path, e.g. {@code messages-upsert}. */
    public static final String EVOLUTION_EVENT_PATH_HEADER = "x-evolution-event-path";
    private static final Pattern EVENT_PATH = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");
    private static final int MAX_EVENT_PATH_LENGTH = 64;
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final EndpointDirectory directory;
    private final Map<ProviderType, WebhookVerifier> verifiers = new EnumMap<>(ProviderType.class);
    private final SecretBox secrets;
    private final AckedPublisher publisher;
    private final Topics topics;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final int maxBodyBytes;
    private final WebhookRateLimiter rateLimiter;
    private final Map<Refusal, ThrottledLog> refusalLogs = new EnumMap<>(Refusal.class);
    /** An HMAC like a cached endpoint secret's, so the decoy work costs what a real check costs. */
    private final Mac decoy;
    private final RequestIds requestIds = new RequestIds();
    private final Executor responder;

    /**
     * @param responder where answers are written once Kafka acknowledged (e.g. the HTTP server's thread pool)
     */
    public WebhookHandlers(EndpointDirectory directory, List<WebhookVerifier> verifiers, SecretBox secrets,
                           AckedPublisher publisher, Topics topics, WebhookMetrics metrics, Clock clock,
                           int maxBodyBytes, WebhookRateLimiter rateLimiter, Executor responder) {
        this.responder = responder;
        this.directory = directory;
        verifiers.forEach(v -> this.verifiers.put(v.provider(), v));
        this.secrets = secrets;
        this.publisher = publisher;
        this.topics = topics;
        this.metrics = metrics;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.rateLimiter = rateLimiter;
        for (Refusal reason : Refusal.values()) {
            refusalLogs.put(reason, new ThrottledLog(log, LOG_INTERVAL));
        }
        byte[] decoyKey = new byte[32];
        new SecureRandom().nextBytes(decoyKey);
        this.decoy = Hmac.initialised(Hmac.SHA256, decoyKey);
    }

    /**
     * The request id is drawn first: it is the webhook's trace id in every log line about it (here and, through
     * the raw record's {@code wa.request-id}, in the processor), and the {@code requestId} of the 200 answer.
     */
    public void receive(Context ctx) {
        String requestId = requestIds.next();
        try (LogContext logContext = LogContext.open().trace(requestId)) {
            receive(ctx, requestId, logContext);
        }
    }

    private void receive(Context ctx, String requestId, LogContext logContext) {
        String tenantId = ctx.pathParam("tenantId");
        String endpointId = ctx.pathParam("endpointId");
        String eventPath = ctx.pathParamMap().get("event");
        checkRate(tenantId, endpointId);
        if (Bodies.declaredLength(ctx) > maxBodyBytes) {
            throw tooLarge(tenantId, endpointId);
        }
        if (!Bodies.isJson(ctx.contentType())) {
            throw refuse(Refusal.UNSUPPORTED_MEDIA_TYPE, ApiException.unsupportedMediaType());
        }
        byte[] body = readBody(ctx, tenantId, endpointId);
        if (!directory.isReady()) {
            throw refuse(Refusal.NOT_READY, new UnavailableException("the gateway is starting; retry later"));
        }
        Optional<Endpoint> found = endpointOf(tenantId, endpointId)
                .filter(e -> eventPath == null || (e.provider() == ProviderType.EVOLUTION && isEventPath(eventPath)));
        Optional<WebhookVerifier> verifier = found.map(e -> verifiers.get(e.provider()));
        if (found.isEmpty() || verifier.isEmpty()) {
            // Same HMAC work as a real check, so the answer's timing does not tell an unknown endpoint apart.
            Hmac.cloneOf(decoy).doFinal(body);
            refusalLogs.get(Refusal.UNKNOWN_ENDPOINT).warn("refused a webhook for an unknown or inactive endpoint");
            throw refuse(Refusal.UNKNOWN_ENDPOINT, invalidSignature());
        }
        Endpoint endpoint = found.get();
        logContext.tenant(endpoint.tenantId()).endpoint(endpoint.id());
        WebhookRequest request = new WebhookRequest(tenantId, endpointId, headers(ctx, verifier.get()), body);
        if (!authentic(verifier.get(), endpoint, request)) {
            refusalLogs.get(Refusal.INVALID_SIGNATURE).warn(
                    "refused a {} webhook for endpoint {} of tenant {}: missing or invalid signature",
                    endpoint.provider().wireName(), endpoint.id(), endpoint.tenantId());
            throw refuse(Refusal.INVALID_SIGNATURE, invalidSignature());
        }
        Map<String, String> kept = keptHeaders(verifier.get(), request);
        if (eventPath != null) {
            kept.put(EVOLUTION_EVENT_PATH_HEADER, eventPath);
        }
        RawWebhook raw = new RawWebhook(requestId, endpoint.tenantId(), endpoint.id(),
                endpoint.provider(), clock.instant(), kept, body);
        ProducerRecord<byte[], byte[]> record = AckedPublisher.encode(topics.webhooksRaw(),
                raw.toRecord(topics.webhooksRaw().name()));
        // The request thread does not wait for the ack: the answer is written from the responder pool once the
        // ack (or the ack timeout) is in, never from the producer's own thread, which a slow client must not stall.
        ctx.future(() -> publisher.publishAsync(record)
                .handleAsync((ack, error) -> {
                    if (error != null) {
                        throw refuse(Refusal.KAFKA_UNAVAILABLE, AckedPublisher.asUnavailable(error));
                    }
                    metrics.accepted(endpoint.provider());
                    ctx.status(200).json(new Accepted("accepted", raw.requestId()));
                    return null;
                }, responder));
    }

    /** Only the headers a verifier reads or keeps, names lower-cased: not a copy of every header sent. */
    private static Map<String, String> headers(Context ctx, WebhookVerifier verifier) {
        Map<String, String> headers = new HashMap<>();
        for (List<String> names : List.of(verifier.signatureHeaders(), verifier.keptHeaders())) {
            for (String name : names) {
                String value = ctx.header(name);
                if (value != null) {
                    headers.put(name, value);
                }
            }
        }
        return headers;
    }

    public void verify(Context ctx) {
        checkRate(ctx.pathParam("tenantId"), ctx.pathParam("endpointId"));
        if (!directory.isReady()) {
            throw refuse(Refusal.NOT_READY, new UnavailableException("the gateway is starting; retry later"));
        }
        String challenge = ctx.queryParam("hub.challenge");
        boolean wellFormed = "subscribe".equals(ctx.queryParam("hub.mode"))
                && challenge != null && !challenge.isEmpty() && challenge.length() <= MAX_CHALLENGE_LENGTH;
        Optional<Endpoint> endpoint = endpointOf(ctx.pathParam("tenantId"), ctx.pathParam("endpointId"))
                .filter(e -> e.provider() == ProviderType.CLOUD_API && e.verifyToken() != null);
        if (!wellFormed || endpoint.isEmpty()
                || !ConstantTime.equals(ctx.queryParam("hub.verify_token"), verifyToken(endpoint.get()))) {
            throw refuse(Refusal.VERIFICATION_FAILED,
                    new ApiException(403, "verification_failed", "webhook verification failed"));
        }
        ctx.status(200).contentType("text/plain; charset=utf-8").result(challenge);
    }

    public static ApiException invalidSignature() {
        return new ApiException(401, "invalid_signature", "webhook signature is missing or invalid");
    }

    private Optional<Endpoint> endpointOf(String tenantId, String endpointId) {
        if (!Ids.isValidTenantId(tenantId)) {
            return Optional.empty();
        }
        return directory.find(endpointId)
                .filter(Endpoint::isActive)
                .filter(e -> e.tenantId().equals(tenantId));
    }

    /** Before anything costly, and keyed on the path whether or not the endpoint exists. */
    private void checkRate(String tenantId, String endpointId) {
        if (!rateLimiter.tryAcquire(tenantId, endpointId)) {
            refusalLogs.get(Refusal.RATE_LIMITED).warn("webhooks for {} exceed {} per second; answering 429",
                    describe(tenantId, endpointId), rateLimiter.ratePerSecond());
            throw refuse(Refusal.RATE_LIMITED,
                    new TooManyRequestsException("too many webhooks for this endpoint; retry later"));
        }
    }

    private byte[] readBody(Context ctx, String tenantId, String endpointId) {
        try {
            return Bodies.read(ctx, maxBodyBytes);
        } catch (ApiException e) {
            if (e.status() == 413) {
                throw tooLarge(tenantId, endpointId);
            }
            throw e;
        }
    }

    private ApiException tooLarge(String tenantId, String endpointId) {
        refusalLogs.get(Refusal.TOO_LARGE).warn("refused a webhook body over {} bytes for {}", maxBodyBytes,
                describe(tenantId, endpointId));
        return refuse(Refusal.TOO_LARGE, ApiException.payloadTooLarge(maxBodyBytes));
    }

    /** Path parts go into the log only when they are well-formed ids: anything else is the caller's free text. */
    private static String describe(String tenantId, String endpointId) {
        return Ids.isValidTenantId(tenantId) && Ids.isValidGeneratedId(endpointId)
                ? "endpoint " + endpointId + " of tenant " + tenantId : "a malformed path";
    }

    private static boolean isEventPath(String eventPath) {
        return eventPath.length() <= MAX_EVENT_PATH_LENGTH && EVENT_PATH.matcher(eventPath).matches();
    }

    private boolean authentic(WebhookVerifier verifier, Endpoint endpoint, WebhookRequest request) {
        try {
            return verifier.isAuthentic(endpoint, request);
        } catch (SealedSecretException e) {
            throw secretUnreadable(endpoint, e);
        }
    }

    private String verifyToken(Endpoint endpoint) {
        try {
            return secrets.openString(endpoint.verifyToken(),
                    Endpoint.secretContext(endpoint.tenantId(), endpoint.id(), "verifyToken"));
        } catch (SealedSecretException e) {
            throw secretUnreadable(endpoint, e);
        }
    }

    /** A secret the server cannot open is the operator's problem, not the caller's: 500, and loudly logged. */
    private ApiException secretUnreadable(Endpoint endpoint, SealedSecretException e) {
        log.error("a secret of endpoint {} of tenant {} cannot be opened ({}); check WHATSAPP_ENCRYPTION_KEYS",
                endpoint.id(), endpoint.tenantId(), e.getMessage());
        return refuse(Refusal.SECRET_UNREADABLE, ApiException.internalError());
    }

    private static Map<String, String> keptHeaders(WebhookVerifier verifier, WebhookRequest request) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String name : verifier.keptHeaders()) {
            String value = request.header(name);
            if (value != null) {
                kept.put(name, value);
            }
        }
        return kept;
    }

    private ApiException refuse(Refusal reason, ApiException answer) {
        metrics.refused(reason);
        return answer;
    }

    /** The 200 body: the request id also travels as the {@code wa.request-id} header of the raw record. */
    public record Accepted(String status, String requestId) {
    }
}
