package com.booqing.whatsapp.ingress.message;

import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.logging.LogContext;
import com.booqing.whatsapp.common.logging.Trace;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.ingress.http.ApiException;
import com.booqing.whatsapp.ingress.http.Bodies;
import com.booqing.whatsapp.ingress.http.PathParams;
import com.booqing.whatsapp.ingress.kafka.AckedPublisher;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.IOException;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * {@code POST /api/whatsapp/messages/{tenantId}} turns a request into a {@link SendCommand} on the send-commands
 * topic and answers 202 once Kafka acknowledged it (422 {@code idempotency_conflict} when the key is known to have
 * been used for a different message, see {@link IdempotencyPrecheck});
 * {@code GET /api/whatsapp/messages/{tenantId}/{messageId}}
 * reads the stored message.
 */
public final class MessageHandlers {
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final Pattern RECIPIENT = Pattern.compile("\\+?[0-9]{1,20}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,200}");

    private final AckedPublisher publisher;
    private final Topics topics;
    private final MessageReader reader;
    private final IdempotencyPrecheck precheck;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final int maxBodyBytes;
    private final Counter accepted;
    private final Executor responder;
    /** Each send command's trace id, carried as the {@value Trace#HEADER} header to the sender and its result. */
    private final Trace traces = new Trace();

    /** @param responder where the 202 is written once Kafka acknowledged (e.g. the HTTP server's thread pool) */
    public MessageHandlers(AckedPublisher publisher, Topics topics, MessageReader reader,
                           IdempotencyPrecheck precheck, ObjectMapper mapper, Clock clock, int maxBodyBytes,
                           MeterRegistry registry, Executor responder) {
        this.precheck = precheck;
        this.responder = responder;
        this.publisher = publisher;
        this.topics = topics;
        this.reader = reader;
        this.mapper = mapper;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.accepted = Counter.builder("whatsapp.ingress.messages.accepted")
                .description("send commands acknowledged by Kafka").register(registry);
    }

    public void send(Context ctx) throws IOException {
        try (LogContext logContext = LogContext.open().trace(traces.next())) {
            send(ctx, logContext);
        }
    }

    private void send(Context ctx, LogContext logContext) throws IOException {
        String tenantId = PathParams.tenantId(ctx);
        logContext.tenant(tenantId);
        byte[] body = Bodies.readJson(ctx, maxBodyBytes);
        if (body.length == 0) {
            throw new ApiException(400, "invalid_json", "request body is empty");
        }
        SendMessageRequest request = mapper.readValue(body, SendMessageRequest.class);
        if (request == null) {
            throw ApiException.badRequest("request body must be a JSON object");
        }
        if (request.to() == null || !RECIPIENT.matcher(request.to()).matches()) {
            throw ApiException.badRequest("'to' must be a phone number: digits with an optional leading '+'");
        }
        checkGeneratedId(request.deviceId(), "deviceId");
        checkGeneratedId(request.endpointId(), "endpointId");
        MessageContent content = request.toContent();
        IdempotencyKey key = idempotencyKey(request.idempotencyKey(), ctx.header(IDEMPOTENCY_HEADER));

        SendCommand command = new SendCommand(null, tenantId, request.deviceId(), request.endpointId(), request.to(),
                content, key.value(), request.notAfter(), clock.instant());
        // A generated key is new, so only a caller's key can have a record; a retry keeps the first message id.
        String messageId = key.generated() ? command.messageId()
                : precheck.check(command).orElse(command.messageId());
        logContext.messageId(messageId);
        ProducerRecord<byte[], byte[]> record = AckedPublisher.encode(topics.sendCommands(),
                new ProducerRecord<>(topics.sendCommands().name(), null, command.partitionKey(), command,
                        Trace.set(new RecordHeaders(), LogContext.currentTrace())));
        // Answered from the responder pool once the ack (or its timeout) is in; the request thread does not wait.
        ctx.future(() -> publisher.publishAsync(record).handleAsync((ack, error) -> {
            if (error != null) {
                throw AckedPublisher.asUnavailable(error);
            }
            accepted.increment();
            ctx.status(202).json(new Accepted(messageId, MessageStatus.PENDING.wireName(), key.value(),
                    key.generated() ? Boolean.TRUE : null));
            return null;
        }, responder));
    }

    public void get(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        String messageId = ctx.pathParam("messageId");
        MessageView message = Ids.isValidGeneratedId(messageId)
                ? reader.find(tenantId, messageId).orElse(null) : null;
        if (message == null) {
            throw ApiException.notFound("message not found");
        }
        ctx.json(message);
    }

    private static void checkGeneratedId(String id, String field) {
        if (id != null && !Ids.isValidGeneratedId(id)) {
            throw ApiException.badRequest("'" + field + "' is not a valid id");
        }
    }

    /** From the body or the Idempotency-Key header (they must agree); generated when neither is given. */
    private static IdempotencyKey idempotencyKey(String inBody, String inHeader) {
        if (inBody != null && inHeader != null && !inBody.equals(inHeader)) {
            throw ApiException.badRequest("'idempotencyKey' and the Idempotency-Key header differ");
        }
        String given = inBody != null ? inBody : inHeader;
        if (given == null) {
            return new IdempotencyKey(UUID.randomUUID().toString(), true);
        }
        if (!IDEMPOTENCY_KEY.matcher(given).matches()) {
            throw ApiException.badRequest("idempotency key must be 1-200 visible ASCII characters");
        }
        return new IdempotencyKey(given, false);
    }

    private record IdempotencyKey(String value, boolean generated) {
    }

    /**
     * The 202 body. {@code idempotencyKeyGenerated} is true when the caller gave no key: a retry of that request
     * would then send the message twice, unless the caller reuses the returned key.
     */
    public record Accepted(String messageId, String status, String idempotencyKey, Boolean idempotencyKeyGenerated) {
    }
}
