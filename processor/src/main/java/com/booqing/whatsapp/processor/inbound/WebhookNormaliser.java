package com.booqing.whatsapp.processor.inbound;

import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.logging.LogContext;
import com.booqing.whatsapp.common.logging.Trace;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.common.webhook.DeadLetter;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.processor.dedup.EventDeduplicator;
import com.booqing.whatsapp.processor.identity.LidDirectory;
import com.booqing.whatsapp.processor.webhook.LidLink;
import com.booqing.whatsapp.processor.webhook.ParseResult;
import com.booqing.whatsapp.processor.webhook.WebhookParser;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * One raw webhook in, its new canonical events out. The LID links a webhook reveals are recorded first, then
 * its events are resolved against them ({@link LidDirectory}), deduplicated and forwarded. Everything that goes
 * wrong with a record (missing headers, unknown provider, unreadable body, parts the parser does not
 * understand) sends the record to the dead-letter sink with its original key, bytes and headers plus the
 * {@link DeadLetter} headers; processing then continues with the next record.
 */
final class WebhookNormaliser implements Processor<String, byte[], String, Object> {
    static final String STAGE = "processor.normalise";
    static final String HEADER_REQUEST_ID = RawWebhook.HEADER_PREFIX + "request-id";
    static final String HEADER_EVENT_TYPE = RawWebhook.HEADER_PREFIX + "event-type";
    private static final Logger log = LoggerFactory.getLogger(WebhookNormaliser.class);

    private final InboundSettings settings;
    private final String eventsSink;
    private final String deadLetterSink;
    private final MeterRegistry meters;
    private ProcessorContext<String, Object> context;
    private EventDeduplicator dedup;
    private LidDirectory lids;

    WebhookNormaliser(InboundSettings settings, String eventsSink, String deadLetterSink) {
        this.settings = settings;
        this.eventsSink = eventsSink;
        this.deadLetterSink = deadLetterSink;
        this.meters = settings.meters();
        // Registered at zero, so that dashboards and alerts see the series before the first dead letter.
        meters.counter("whatsapp.processor.dead_letters", "stage", STAGE);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        KeyValueStore<String, Long> store = context.getStateStore(EventDeduplicator.STORE);
        this.dedup = new EventDeduplicator(store, settings.dedupWindow());
        KeyValueStore<String, String> lidStore = context.getStateStore(LidDirectory.STORE);
        this.lids = new LidDirectory(lidStore);
        context.schedule(settings.purgeInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
            int purged = dedup.purge(now);
            if (purged > 0) {
                log.debug("forgot {} event ids past the dedup window", purged);
            }
        });
    }

    /** Logs name the webhook's trace id (the ingress's request id), tenant and endpoint; see {@link LogContext}. */
    @Override
    public void process(Record<String, byte[]> record) {
        try (LogContext logContext = LogContext.open().trace(Trace.of(record.headers()))) {
            normalise(record, logContext);
        }
    }

    private void normalise(Record<String, byte[]> record, LogContext logContext) {
        RawWebhook webhook;
        try {
            webhook = RawWebhook.fromHeaders(record.headers(), record.value());
        } catch (RuntimeException e) {
            deadLetter(record, "invalid raw webhook record: " + e.getMessage());
            return;
        }
        if (!Ids.isValidTenantId(webhook.tenantId())) {
            deadLetter(record, "invalid tenant id in raw webhook headers");
            return;
        }
        logContext.tenant(webhook.tenantId())
                .endpoint(Ids.isValidGeneratedId(webhook.endpointId()) ? webhook.endpointId() : null);
        WebhookParser parser = settings.parsers().forProvider(webhook.provider());
        ParseResult result;
        try {
            result = parser.parse(webhook);
        } catch (RuntimeException e) {
            // A parser must not throw; if one does, the record is kept rather than the thread lost.
            log.error("parser for {} failed on request {}", webhook.provider().wireName(), webhook.requestId(), e);
            deadLetter(record, "parser failed: " + e.getClass().getSimpleName());
            return;
        }
        for (LidLink link : result.links()) {
            lids.record(webhook.tenantId(), link);
        }
        for (Envelope event : result.events()) {
            emit(record, lids.resolve(event));
        }
        if (result.hasProblems()) {
            deadLetter(record, result.problemSummary());
        }
    }

    private void emit(Record<String, byte[]> in, Envelope event) {
        if (!dedup.firstSeen(event.eventId(), context.currentSystemTimeMs())) {
            meters.counter("whatsapp.processor.duplicates", "type", event.type()).increment();
            return;
        }
        Headers headers = new RecordHeaders();
        headers.add(HEADER_REQUEST_ID, utf8(event.source() == null ? "" : event.source()));
        headers.add(HEADER_EVENT_TYPE, utf8(event.type()));
        context.forward(new Record<String, Object>(ConversationKeys.of(event), event, in.timestamp(), headers),
                eventsSink);
        meters.counter("whatsapp.processor.events", "type", event.type()).increment();
    }

    private void deadLetter(Record<String, byte[]> record, String reason) {
        Optional<RecordMetadata> meta = context.recordMetadata();
        String topic = meta.map(RecordMetadata::topic).orElse("unknown");
        int partition = meta.map(RecordMetadata::partition).orElse(-1);
        long offset = meta.map(RecordMetadata::offset).orElse(-1L);
        Headers headers = DeadLetter.headers(record.headers(), STAGE, reason, topic, partition, offset,
                Instant.ofEpochMilli(context.currentSystemTimeMs()));
        context.forward(new Record<String, Object>(record.key(), record.value(), record.timestamp(), headers),
                deadLetterSink);
        meters.counter("whatsapp.processor.dead_letters", "stage", STAGE).increment();
        log.warn("dead-lettered {}-{}@{}: {}", topic, partition, offset, reason);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
