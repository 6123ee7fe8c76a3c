package com.booqing.whatsapp.processor.inbound;

import com.booqing.whatsapp.common.device.DeviceEvent;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.event.Envelope;
import com.booqing.whatsapp.common.event.EventIds;
import com.booqing.whatsapp.common.event.UnknownEvent;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.InboundMessage;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.MessageStatusUpdate;
import com.booqing.whatsapp.common.webhook.DeadLetter;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.processor.config.StreamsSettings;
import com.booqing.whatsapp.processor.dedup.EventDeduplicator;
import com.booqing.whatsapp.processor.identity.LidDirectory;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static com.booqing.whatsapp.processor.testing.Fixtures.TENANT;
import static com.booqing.whatsapp.processor.testing.Fixtures.cloudApi;
import static com.booqing.whatsapp.processor.testing.Fixtures.evolution;
import static com.booqing.whatsapp.processor.testing.Fixtures.rawEvolution;
import static com.booqing.whatsapp.processor.testing.Fixtures.rawWaha;
import static com.booqing.whatsapp.processor.testing.Fixtures.waha;
import static com.booqing.whatsapp.processor.testing.Fixtures.rawCloudApi;
import static org.assertj.core.api.Assertions.assertThat;

/** Drives the production topology, with the production Streams settings, through TopologyTestDriver. */
class InboundTopologyTest {
    private static final Instant START = Instant.parse("2025-06-09T10:00:00Z");

    private final Topics topics = Topics.withPrefix("t.", 1);
    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private TestOutputTopic<String, Envelope> events;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void start() {
        driver = new TopologyTestDriver(InboundTopology.build(topics, InboundSettings.defaults()),
                StreamsSettings.properties("processor-test", "dummy:9092", stateDir, 1, topics), START);
        raw = driver.createInputTopic(topics.webhooksRaw().name(), new StringSerializer(), new ByteArraySerializer());
        events = driver.createOutputTopic(topics.events().name(), new StringDeserializer(),
                topics.events().valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(topics.webhooksDeadLetter().name(), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void pipe(RawWebhook webhook) {
        raw.pipeInput(new TestRecord<>(webhook.key(), webhook.body(), webhook.headers(), webhook.receivedAt()));
    }

    private void pipe(String key, byte[] value, Headers headers) {
        raw.pipeInput(new TestRecord<>(key, value, headers, START));
    }

    @Test
    void parsesCloudApiTextMessageIntoInboundMessage() {
        pipe(rawCloudApi("req-1", cloudApi("text-message.json")));

        List<TestRecord<String, Envelope>> out = events.readRecordsToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key()).isEqualTo(TENANT + ":+16505551234");
        Envelope e = out.get(0).value();
        String wamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=";
        assertThat(e.eventId()).isEqualTo(EventIds.eventId(TENANT, "cloud-api", wamid));
        assertThat(e.source()).isEqualTo("req-1");
        InboundMessage m = (InboundMessage) e.payload();
        assertThat(m.messageId()).isEqualTo(EventIds.inboundMessageId(TENANT, wamid));
        assertThat(m.phone()).isEqualTo("+16505551234");
        assertThat(m.contactName()).isEqualTo("Sheena Nelson");
        assertThat(m.content()).isEqualTo(new MessageContent.Text("Does it come in another color?", null));
        assertThat(DeadLetter.header(out.get(0).headers(), WebhookNormaliser.HEADER_EVENT_TYPE))
                .isEqualTo("message.received");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void splitsBatchWithSeveralEntriesAndStatusesIntoOneEventEach() {
        pipe(rawCloudApi("req-1", cloudApi("batch-entries-and-statuses.json")));

        List<TestRecord<String, Envelope>> out = events.readRecordsToList();
        assertThat(out).extracting(r -> r.value().type()).containsExactly(
                "message.received", "message.received", "message.status", "message.status", "message.status");
        assertThat(out).extracting(r -> r.value().eventId()).doesNotHaveDuplicates();
        assertThat(out).extracting(TestRecord::key).containsExactly(
                TENANT + ":+16505551234", TENANT + ":+16505551234", TENANT + ":+972987654321",
                TENANT + ":+972987654321", TENANT + ":+972987654321");
        assertThat(out.subList(2, 5)).extracting(r -> ((MessageStatusUpdate) r.value().payload()).status().wireName())
                .containsExactly("sent", "delivered", "read");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void dropsDuplicateDeliveryOfSameWebhook() {
        byte[] body = cloudApi("text-message.json");
        pipe(rawCloudApi("req-1", body));
        // The provider's retry arrives as a new HTTP request, so the ingress gives it a new request id.
        pipe(rawCloudApi("req-2", body));
        pipe(rawCloudApi("req-1", body));

        assertThat(events.readRecordsToList()).hasSize(1);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void dropsAStatusAlreadySeenInAnotherBatch() {
        pipe(rawCloudApi("req-1", cloudApi("batch-entries-and-statuses.json")));
        events.readRecordsToList();

        pipe(rawCloudApi("req-2", cloudApi("status-sent.json")));
        pipe(rawCloudApi("req-3", cloudApi("status-failed.json")));

        assertThat(events.readRecordsToList()).extracting(r -> r.value().payload())
                .singleElement()
                .satisfies(p -> assertThat(((MessageStatusUpdate) p).status().wireName()).isEqualTo("failed"));
    }

    @Test
    void acceptsARedeliveryOnceTheDedupWindowHasPassed() {
        byte[] body = cloudApi("text-message.json");
        pipe(rawCloudApi("req-1", body));
        driver.advanceWallClockTime(EventDeduplicator.DEFAULT_WINDOW.plus(Duration.ofHours(2)));
        pipe(rawCloudApi("req-2", body));

        assertThat(events.readRecordsToList()).hasSize(2);
        assertThat(driver.<String, Long>getKeyValueStore(EventDeduplicator.STORE).approximateNumEntries())
                .isEqualTo(1);
    }

    @Test
    void deadLettersTruncatedJsonWithOriginalBytesAndReason() {
        byte[] full = cloudApi("text-message.json");
        RawWebhook truncated = rawCloudApi("req-bad", Arrays.copyOf(full, full.length - 20));
        pipe(truncated);

        assertThat(events.isEmpty()).isTrue();
        TestRecord<String, byte[]> dlq = deadLetters.readRecord();
        assertThat(dlq.key()).isEqualTo(truncated.key());
        assertThat(dlq.value()).isEqualTo(truncated.body());
        assertThat(DeadLetter.header(dlq.headers(), DeadLetter.REASON)).startsWith("invalid JSON");
        assertThat(DeadLetter.header(dlq.headers(), DeadLetter.STAGE)).isEqualTo(WebhookNormaliser.STAGE);
        assertThat(DeadLetter.header(dlq.headers(), DeadLetter.SOURCE_TOPIC)).isEqualTo(topics.webhooksRaw().name());
        assertThat(DeadLetter.header(dlq.headers(), DeadLetter.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(DeadLetter.header(dlq.headers(), DeadLetter.FAILED_AT)).isEqualTo(START.toString());
        // The original metadata stays, so the record can be redriven to the raw topic as it is.
        assertThat(RawWebhook.fromHeaders(dlq.headers(), dlq.value())).usingRecursiveComparison()
                .isEqualTo(truncated);
    }

    @Test
    void processingContinuesAfterBadRecord() {
        pipe(rawCloudApi("req-bad", "{\"entry\": [".getBytes(StandardCharsets.UTF_8)));
        pipe("acme:ep_x", cloudApi("text-message.json"), new RecordHeaders());
        pipe(rawCloudApi("req-good", cloudApi("image-message.json")));

        assertThat(deadLetters.readRecordsToList()).extracting(r -> DeadLetter.header(r.headers(), DeadLetter.REASON))
                .satisfiesExactly(
                        reason -> assertThat(reason).startsWith("invalid JSON"),
                        reason -> assertThat(reason).contains("lacks header wa.request-id"));
        assertThat(events.readRecordsToList()).extracting(r -> r.value().type()).containsExactly("message.received");
    }

    @Test
    void deadLettersInvalidUtf8AndDeepNesting() {
        pipe(rawCloudApi("r1", new byte[]{'{', '"', (byte) 0xC3, '"', ':', '1', '}'}));
        pipe(rawCloudApi("r2", ("{\"entry\":" + "[".repeat(200) + "]".repeat(200) + "}")
                .getBytes(StandardCharsets.UTF_8)));

        assertThat(deadLetters.readRecordsToList()).extracting(r -> DeadLetter.header(r.headers(), DeadLetter.REASON))
                .satisfiesExactly(
                        reason -> assertThat(reason).isEqualTo("body is not valid UTF-8"),
                        reason -> assertThat(reason).contains("nesting depth"));
    }

    @Test
    void emitsTheReadablePartOfABatchAndDeadLettersTheWhole() {
        String body = """
                {"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{
                  "messages":[{"from":"16505551234","id":"wamid.ok","timestamp":"1749416383","type":"text",
                  "text":{"body":"hi"}},{"from":"16505551234","type":"text"}]}}]}]}
                """;
        RawWebhook w = rawCloudApi("req-p", body.getBytes(StandardCharsets.UTF_8));
        pipe(w);

        assertThat(events.readRecordsToList()).hasSize(1);
        TestRecord<String, byte[]> dlq = deadLetters.readRecord();
        assertThat(dlq.value()).isEqualTo(w.body());
        assertThat(DeadLetter.header(dlq.headers(), DeadLetter.REASON))
                .isEqualTo("1 event(s) emitted; not understood: entry[0].changes[0].value.messages[1]: missing id");
    }

    @Test
    void keysEventsWithoutAConversationByTenant() {
        pipe(rawCloudApi("req-err", cloudApi("errors-webhook.json")));

        TestRecord<String, Envelope> out = events.readRecord();
        assertThat(out.key()).isEqualTo(TENANT);
        assertThat(out.value().type()).isEqualTo("unknown");
    }

    @Test
    void deadLettersATenantIdThatCannotBeAKey() {
        RawWebhook w = new RawWebhook("req-t", "bad:tenant", "ep_1", ProviderType.CLOUD_API, START,
                java.util.Map.of(), cloudApi("text-message.json"));
        pipe(w);

        assertThat(DeadLetter.header(deadLetters.readRecord().headers(), DeadLetter.REASON))
                .isEqualTo("invalid tenant id in raw webhook headers");
        assertThat(events.isEmpty()).isTrue();
    }

    // --- WAHA and Evolution ---

    private static byte[] replace(byte[] body, String from, String to) {
        String s = new String(body, StandardCharsets.UTF_8);
        assertThat(s).contains(from);
        return s.replace(from, to).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void wahaTextMessageBecomesInboundMessage() {
        pipe(rawWaha("req-w1", waha("message-text.json")));

        TestRecord<String, Envelope> out = events.readRecord();
        assertThat(out.key()).isEqualTo(TENANT + ":+16505551234");
        InboundMessage m = (InboundMessage) out.value().payload();
        assertThat(m.provider()).isEqualTo(ProviderType.WAHA);
        assertThat(m.providerMessageId()).isEqualTo("3EB0C767D26A1D4A4D47");
        assertThat(m.content()).isEqualTo(new MessageContent.Text("Hi there!", null));
        assertThat(DeadLetter.header(out.headers(), WebhookNormaliser.HEADER_EVENT_TYPE)).isEqualTo("message.received");
        assertThat(events.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void evolutionUpsertBecomesInboundMessage() {
        pipe(rawEvolution("req-e1", evolution("upsert-text.json")));

        TestRecord<String, Envelope> out = events.readRecord();
        assertThat(out.key()).isEqualTo(TENANT + ":+5511999999999");
        InboundMessage m = (InboundMessage) out.value().payload();
        assertThat(m.provider()).isEqualTo(ProviderType.EVOLUTION);
        assertThat(m.providerMessageId()).isEqualTo("3EB0A0C1D2E3F4A5B6C7");
        assertThat(m.contactName()).isEqualTo("João Silva");
        assertThat(m.content()).isEqualTo(new MessageContent.Text("Olá, quero marcar um horário", null));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void wahaDuplicateDeliveryWithSameEventIdProducesOneEvent() {
        byte[] body = waha("session-status-failed.json");
        pipe(rawWaha("req-1", body));
        // WAHA's retry is a new HTTP request (new ingress request id) with the same envelope id.
        pipe(rawWaha("req-2", body));
        // message and message.any bring the same message under two envelope ids.
        pipe(rawWaha("req-3", waha("message-text.json")));
        pipe(rawWaha("req-4", waha("message-any-text.json")));

        assertThat(events.readRecordsToList()).extracting(r -> r.value().type())
                .containsExactly("device.status", "message.received");
    }

    @Test
    void evolutionRepeatedKeyIdProducesOneEvent() {
        pipe(rawEvolution("req-1", evolution("upsert-text.json")));
        pipe(rawEvolution("req-2", evolution("upsert-text.json")));
        pipe(rawEvolution("req-3", evolution("update-delivery-ack.json")));
        pipe(rawEvolution("req-4", evolution("update-delivery-ack.json")));
        // The send.message echo and the later SERVER_ACK both say "sent".
        pipe(rawEvolution("req-5", evolution("send-message.json")));
        pipe(rawEvolution("req-6", evolution("update-server-ack.json")));

        assertThat(events.readRecordsToList()).extracting(r -> r.value().type())
                .containsExactly("message.received", "message.status", "message.status");
    }

    @Test
    void lidOnlyMessageJoinsPhoneConversationOnceMapped() {
        pipe(rawWaha("req-1", waha("message-lid-only-gows.json")));
        TestRecord<String, Envelope> lidOnly = events.readRecord();
        assertThat(lidOnly.key()).isEqualTo(TENANT + ":lid:123456789012345");
        assertThat(((InboundMessage) lidOnly.value().payload()).phone()).isNull();

        // The same customer, now with the phone beside the LID.
        pipe(rawWaha("req-2", waha("message-lid-with-phone-noweb.json")));
        TestRecord<String, Envelope> linked = events.readRecord();
        assertThat(linked.key()).isEqualTo(TENANT + ":+16505551234");
        assertThat((InboundMessage) linked.value().payload()).extracting(InboundMessage::phone, InboundMessage::lid)
                .containsExactly("+16505551234", "123456789012345");

        // Later LID-only messages, through either provider shape, carry the phone too.
        pipe(rawWaha("req-3", replace(waha("message-lid-only-gows.json"), "3EB0LID00000000001", "3EB0LID00000000003")));
        TestRecord<String, Envelope> later = events.readRecord();
        assertThat(later.key()).isEqualTo(TENANT + ":+16505551234");
        assertThat((InboundMessage) later.value().payload()).extracting(InboundMessage::phone, InboundMessage::lid)
                .containsExactly("+16505551234", "123456789012345");
        assertThat(driver.<String, String>getKeyValueStore(LidDirectory.STORE).get(TENANT + "|123456789012345"))
                .isEqualTo("+16505551234");
    }

    @Test
    void evolutionLidLinkedBySenderPnResolvesLaterLidOnlyMessagesAndReceipts() {
        pipe(rawEvolution("req-1", evolution("upsert-lid-sender-pn.json")));
        pipe(rawEvolution("req-2", evolution("upsert-lid-only.json")));
        pipe(rawEvolution("req-3", replace(evolution("update-read.json"), "5511999999999@s.whatsapp.net",
                "132985256960177@lid")));

        List<TestRecord<String, Envelope>> out = events.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsOnly(TENANT + ":+554599037399");
        assertThat(((MessageStatusUpdate) out.get(2).value().payload()).recipient()).isEqualTo("+554599037399");
    }

    @Test
    void sameLidInAnotherTenantIsNotMapped() {
        pipe(rawWaha("req-1", waha("message-lid-with-phone-noweb.json")));
        events.readRecord();

        pipe(rawWaha("other-tenant", "req-2", waha("message-lid-only-gows.json")));

        TestRecord<String, Envelope> out = events.readRecord();
        assertThat(out.key()).isEqualTo("other-tenant:lid:123456789012345");
        assertThat(((InboundMessage) out.value().payload()).phone()).isNull();
    }

    @Test
    void unknownEventsAreKeptNotDropped() {
        pipe(rawWaha("req-1", waha("presence-update.json")));
        pipe(rawWaha("req-2", waha("message-from-me.json")));
        pipe(rawEvolution("req-3", evolution("contacts-update.json")));
        pipe(rawEvolution("req-4", evolution("update-deleted.json")));

        List<TestRecord<String, Envelope>> out = events.readRecordsToList();
        assertThat(out).extracting(r -> ((UnknownEvent) r.value().payload()).providerEvent())
                .containsExactly("presence.update", "message:fromMe", "contacts.update", "messages.update:DELETED");
        assertThat(out).extracting(TestRecord::key).containsOnly(TENANT);
        assertThat(((UnknownEvent) out.get(2).value().payload()).rawJson())
                .contains("132985256960177@lid").doesNotContain("apikey", "B6D711FCDE4D4FD5936544120E713976");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void sessionStatusBecomesDeviceEvent() {
        pipe(rawWaha("req-1", waha("session-status-failed.json")));
        pipe(rawEvolution("req-2", evolution("qrcode-updated.json")));

        List<TestRecord<String, Envelope>> out = events.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).containsOnly(TENANT);
        DeviceEvent waha = (DeviceEvent) out.get(0).value().payload();
        assertThat(waha.status()).isEqualTo(DeviceStatus.ERROR);
        assertThat(waha.deviceId()).isEqualTo("dev_salon1");
        DeviceEvent evo = (DeviceEvent) out.get(1).value().payload();
        assertThat(evo.status()).isEqualTo(DeviceStatus.PAIRING);
        assertThat(evo.qrCode()).startsWith("2@y8eK");
        assertThat(evo.pairingCode()).isEqualTo("WZYEH1YY");
        assertThat(DeadLetter.header(out.get(1).headers(), WebhookNormaliser.HEADER_EVENT_TYPE))
                .isEqualTo("device.status");
    }

    @Test
    void deadLettersWahaAndEvolutionBodiesThatAreNotTheirEvents() {
        pipe(rawWaha("req-1", "{\"entry\":[]}".getBytes(StandardCharsets.UTF_8)));
        pipe(rawEvolution("req-2", "[]".getBytes(StandardCharsets.UTF_8)));

        assertThat(deadLetters.readRecordsToList()).extracting(r -> DeadLetter.header(r.headers(), DeadLetter.REASON))
                .containsExactly("not a WAHA webhook: no event", "not an Evolution webhook: body is not a JSON object");
        assertThat(events.isEmpty()).isTrue();
    }
}
