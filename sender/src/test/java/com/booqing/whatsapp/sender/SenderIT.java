package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.device.DeviceStatus;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.webhook.DeadLetter;
import com.booqing.whatsapp.sender.provider.ProviderAdapters;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.PostedWebhook;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static com.booqing.whatsapp.sender.SimStage.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One sender against the real broker, Redis and the provider simulator (which validates every request as the
 * provider documents it). Settings are {@link SimStage#fastSettings()}: 2 retries with fast backoff, breaker open
 * after 2 failures for 1.5 s. Every test uses its own tenant and endpoints.
 */
@KafkaAndRedis
class SenderIT {
    private static final ObjectMapper JSON = Json.lenient();
    private static SimStage stage;
    private static Sender sender;

    @BeforeAll
    static void start(Infra infra) {
        stage = new SimStage(infra);
        sender = stage.startSender(SimStage.fastSettings());
    }

    @AfterAll
    static void stop() {
        if (stage != null) {
            stage.close();
        }
    }

    private static String tenant() {
        return stage.infra.uniqueId("tenant");
    }

    private static List<RecordedRequest> requests(Endpoint e) {
        return stage.simulator.requests(e.id());
    }

    private static JsonNode json(RecordedRequest r) {
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void textCommandIsSentThroughTheSimulatorAndReportedWithItsWamid() throws Exception {
        String tenant = tenant();
        Endpoint endpoint = stage.cloud(tenant, true, 1);
        SendCommand command = stage.text(tenant, "+31612345678", "Your appointment is confirmed");

        SendResult result = stage.send(command);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(result.endpointId()).isEqualTo(endpoint.id());
        assertThat(result.provider()).isEqualTo(ProviderType.CLOUD_API);
        assertThat(result.providerMessageId()).startsWith("wamid.");
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(stage.results.entries(command.messageId()).get(0).key()).isEqualTo(command.partitionKey());
        RecordedRequest request = requests(endpoint).get(0);
        assertThat(request.path()).isEqualTo("/v23.0/" + SimStage.PHONE_NUMBER_ID + "/messages");
        assertThat(json(request).path("biz_opaque_callback_data").asText()).isEqualTo(command.messageId());
        // The simulator's receipt for the wamid it issued names the same message: the ids join up.
        await().atMost(WAIT).until(() -> stage.simulator.webhooks(endpoint.id()).stream()
                .anyMatch(w -> w.kind().equals("status:sent")));
        PostedWebhook sent = stage.simulator.webhooks(endpoint.id()).stream()
                .filter(w -> w.kind().equals("status:sent")).findFirst().orElseThrow();
        assertThat(sent.messageId()).isEqualTo(result.providerMessageId());
        assertThat(sent.body()).contains(command.messageId());
    }

    /** One message of every kind a provider can send; the simulator answers 4xx to any it finds malformed. */
    private static Map<String, MessageContent> samples(String reactTo) {
        Map<String, MessageContent> m = new LinkedHashMap<>();
        m.put("text", new MessageContent.Text("Hello", true));
        m.put("image", new MessageContent.Image("https://cdn.example.com/photo.jpg", null, null, "Look"));
        m.put("video", new MessageContent.Video("https://cdn.example.com/clip.mp4", null, null, "Watch"));
        m.put("audio", new MessageContent.Audio("https://cdn.example.com/voice.ogg", null, null, true));
        m.put("document", new MessageContent.Document("https://cdn.example.com/invoice.pdf", null, null, "Invoice",
                "invoice.pdf"));
        m.put("sticker", new MessageContent.Sticker("https://cdn.example.com/s.webp", null, null));
        m.put("location", new MessageContent.Location(52.3731, 4.8922, "Dam", "Dam 1, Amsterdam"));
        m.put("contacts", new MessageContent.Contacts(List.of(new MessageContent.Contact("Ann Smith",
                List.of("+31612345670")))));
        m.put("reaction", new MessageContent.Reaction(reactTo, "\uD83D\uDC4D"));
        m.put("buttons", new MessageContent.Buttons("Booking", "Confirm your visit?", "Salon", List.of(
                new MessageContent.Button("yes", "Yes"), new MessageContent.Button("no", "No"))));
        m.put("list", new MessageContent.ListMessage("Menu", "Pick a slot", "Thanks", "Choose", List.of(
                new MessageContent.Section("Monday", List.of(new MessageContent.Row("mon-9", "09:00", "Morning"),
                        new MessageContent.Row("mon-10", "10:00", null))))));
        m.put("template", new MessageContent.Template("appointment_reminder", "en_US", List.of(Map.of("type", "body",
                "parameters", List.of(Map.of("type", "text", "text", "Friday 10:00"))))));
        return m;
    }

    private void sendsEveryKindItCan(Endpoint endpoint, Set<String> kinds, String reactTo) throws Exception {
        Map<String, SendCommand> commands = new LinkedHashMap<>();
        samples(reactTo).forEach((kind, content) -> {
            if (kinds.contains(kind)) {
                commands.put(kind, stage.command(endpoint.tenantId(), stage.recipient(), content));
            }
        });
        assertThat(commands.keySet()).containsExactlyInAnyOrderElementsOf(kinds);
        for (SendCommand c : commands.values()) {
            stage.publish(c);
        }
        for (Map.Entry<String, SendCommand> e : commands.entrySet()) {
            SendResult result = stage.await(e.getValue());
            assertThat(result.outcome()).as("%s: %s %s", e.getKey(), result.errorCode(), result.reason())
                    .isEqualTo(SendResult.Outcome.SENT);
            assertThat(result.provider()).isEqualTo(endpoint.provider());
        }
        assertThat(requests(endpoint)).hasSize(kinds.size());
    }

    @Test
    void everyKindTheCloudApiCanSendIsAcceptedByIt() throws Exception {
        Endpoint endpoint = stage.cloud(tenant(), true, 1);

        sendsEveryKindItCan(endpoint, Set.of("text", "image", "video", "audio", "document", "sticker", "location",
                "contacts", "reaction", "buttons", "list", "template"), "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzRUIw");
    }

    @Test
    void everyKindWahaCanSendIsAcceptedByIt() throws Exception {
        Endpoint endpoint = stage.waha(tenant(), true);

        sendsEveryKindItCan(endpoint, Set.of("text", "image", "video", "audio", "document", "location", "contacts",
                "reaction", "list"), "false_31612345678@c.us_3EB0C767D26A1D6A5F8B");
        assertThat(requests(endpoint)).allSatisfy(r -> assertThat(json(r).path("session").asText())
                .isEqualTo("salon"));
    }

    @Test
    void everyKindEvolutionCanSendIsAcceptedByIt() throws Exception {
        Endpoint endpoint = stage.evolution(tenant(), true);

        sendsEveryKindItCan(endpoint, Set.of("text", "image", "video", "audio", "document", "location", "contacts",
                "reaction", "buttons", "list"), "3EB0C767D26A1D6A5F8B");
        assertThat(requests(endpoint)).allSatisfy(r -> assertThat(r.path()).endsWith("/salon"));
    }

    @Test
    void kindTheProviderCannotSendIsRefusedWithAReasonAndNoCall() throws Exception {
        String tenant = tenant();
        Endpoint endpoint = stage.waha(tenant, true);

        SendResult result = stage.send(stage.command(tenant, stage.recipient(), samples("x").get("buttons")));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo(ProviderAdapters.UNSUPPORTED_CONTENT);
        assertThat(result.reason()).contains("waha cannot send 'buttons'").contains("deprecated");
        assertThat(requests(endpoint)).isEmpty();
    }

    @Test
    void invalidPhoneNumberFailsWithoutCallingTheProvider() throws Exception {
        String tenant = tenant();
        Endpoint endpoint = stage.cloud(tenant, true, 1);

        SendResult result = stage.send(stage.text(tenant, "0612345678", "hi"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo(SendHandler.INVALID_RECIPIENT);
        assertThat(requests(endpoint)).isEmpty();
    }

    @Test
    void failsOverToBackupWhenPrimaryIsDark() throws Exception {
        String tenant = tenant();
        Endpoint primary = stage.cloud(tenant, true, 1);
        Endpoint backup = stage.cloud(tenant, false, 1);
        stage.simulator.fault(primary.id(), Fault.dark());
        List<SendCommand> commands = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            commands.add(stage.text(tenant, stage.recipient(), "message " + i));
        }

        for (SendCommand c : commands) {
            stage.publish(c);
        }

        for (SendCommand c : commands) {
            SendResult result = stage.await(c);
            assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
            assertThat(result.endpointId()).isEqualTo(backup.id());
        }
        // None lost, none sent twice: each message reached the backup exactly once, and has exactly one result.
        List<String> delivered = requests(backup).stream()
                .map(r -> json(r).path("biz_opaque_callback_data").asText()).toList();
        assertThat(delivered).containsExactlyInAnyOrderElementsOf(
                commands.stream().map(SendCommand::messageId).toList());
        assertThat(commands).allSatisfy(c -> assertThat(stage.results.all(c.messageId())).hasSize(1));
        stage.simulator.fault(primary.id(), Fault.none());
    }

    @Test
    void noFailoverOnAmbiguousTimeout() throws Exception {
        String tenant = tenant();
        Endpoint primary = stage.cloud(tenant, true, 1);
        Endpoint backup = stage.cloud(tenant, false, 1);
        stage.configure(tenant, true, 800);
        stage.simulator.fault(primary.id(), Fault.slow(Duration.ofMillis(2_500)));
        double before = sender.metrics().total(SenderMetrics.POSSIBLE_DUPLICATES);

        SendResult result = stage.send(stage.text(tenant, stage.recipient(), "slow one"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo(SendHandler.AMBIGUOUS);
        assertThat(result.endpointId()).isEqualTo(primary.id());
        assertThat(requests(primary)).hasSize(1);
        assertThat(requests(backup)).isEmpty();
        assertThat(sender.metrics().total(SenderMetrics.POSSIBLE_DUPLICATES)).isEqualTo(before + 1);
        stage.simulator.fault(primary.id(), Fault.none());
    }

    @Test
    void recoversToPrimaryWhenItComesBack() throws Exception {
        String tenant = tenant();
        Endpoint primary = stage.cloud(tenant, true, 1);
        Endpoint backup = stage.cloud(tenant, false, 1);
        stage.simulator.fault(primary.id(), Fault.dark());
        for (int i = 0; i < 3; i++) {
            assertThat(stage.send(stage.text(tenant, stage.recipient(), "while dark")).endpointId())
                    .isEqualTo(backup.id());
        }
        assertThat(sender.guards().state(primary.id())).isEqualTo(CircuitBreaker.State.OPEN);

        stage.simulator.fault(primary.id(), Fault.none());

        // After the breaker's wait one message probes the primary; from then on it is the primary again.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                stage.send(stage.text(tenant, stage.recipient(), "probing")).endpointId().equals(primary.id()));
        for (int i = 0; i < 3; i++) {
            assertThat(stage.send(stage.text(tenant, stage.recipient(), "back")).endpointId())
                    .isEqualTo(primary.id());
        }
    }

    @Test
    void failsOverToTheBackupWhenTheMonitorReportsThePrimaryUnhealthy() throws Exception {
        String tenant = tenant();
        Endpoint primary = stage.cloud(tenant, true, 1);
        Endpoint backup = stage.cloud(tenant, false, 1);
        Instant now = Instant.now();
        stage.io.send(stage.topics.endpointHealth(), primary.id(), new EndpointHealth(tenant, primary.id(),
                HealthState.UNHEALTHY, null, "connection refused", now, now, false));
        stage.awaitAll(s -> s.directory().health(primary.id()) == HealthState.UNHEALTHY);

        SendResult result = stage.send(stage.text(tenant, stage.recipient(), "via backup"));

        assertThat(result.endpointId()).isEqualTo(backup.id());
        assertThat(requests(primary)).isEmpty();
    }

    @Test
    void loadBalancingSpreadsByWeight() throws Exception {
        String tenant = tenant();
        Endpoint heavy = stage.cloud(tenant, false, 3);
        Endpoint light = stage.cloud(tenant, false, 1);
        List<SendCommand> commands = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            commands.add(stage.text(tenant, stage.recipient(), "spread " + i));
        }

        for (SendCommand c : commands) {
            stage.publish(c);
        }

        Map<String, Long> byEndpoint = commands.stream().map(stage::await)
                .collect(Collectors.groupingBy(SendResult::endpointId, Collectors.counting()));
        assertThat(byEndpoint).containsEntry(heavy.id(), 6L).containsEntry(light.id(), 2L);
    }

    @Test
    void honoursRetryAfterOn429() throws Exception {
        String tenant = tenant();
        Endpoint endpoint = stage.cloud(tenant, true, 1);
        stage.simulator.fault(endpoint.id(), Fault.rateLimit(Duration.ofSeconds(1)).times(1));

        SendResult result = stage.send(stage.text(tenant, stage.recipient(), "after a pause"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(result.attempts()).isEqualTo(2);
        List<RecordedRequest> calls = requests(endpoint);
        assertThat(calls).hasSize(2);
        assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void permanentErrorsAreNotRetried() throws Exception {
        String tenant = tenant();
        Endpoint endpoint = stage.cloud(tenant, true, 1);

        SendResult badCoordinates = stage.send(stage.command(tenant, stage.recipient(),
                new MessageContent.Location(95, 4.89, "nowhere", null)));

        assertThat(badCoordinates.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(badCoordinates.errorCode()).isEqualTo("131009");
        assertThat(badCoordinates.attempts()).isEqualTo(1);
        assertThat(requests(endpoint)).hasSize(1);

        String other = tenant();
        Endpoint wrongToken = stage.cloudWithWrongToken(other);
        SendResult rejected = stage.send(stage.text(other, stage.recipient(), "hi"));

        assertThat(rejected.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(rejected.errorCode()).isEqualTo("190");
        assertThat(requests(wrongToken)).hasSize(1);
    }

    @Test
    void sameIdempotencyKeyConcurrentlySendsOnce() throws Exception {
        String tenant = tenant();
        Endpoint endpoint = stage.cloud(tenant, true, 1);
        stage.simulator.fault(endpoint.id(), Fault.slow(Duration.ofMillis(300)));
        MessageContent content = new MessageContent.Text("only once", null);
        Instant now = Instant.now();
        // The same request written two ways goes to two partition keys, so two lanes work on it at the same time.
        List<SendCommand> copies = new ArrayList<>();
        for (String to : List.of("+31611111111", "31611111111", "+31611111111", "31611111111")) {
            copies.add(new SendCommand(null, tenant, null, null, to, content, "booking-42", null, now));
        }

        for (SendCommand c : copies) {
            stage.publish(c);
        }

        String messageId = copies.get(0).messageId();
        await().atMost(WAIT).until(() -> stage.results.all(messageId).size() == copies.size());
        List<SendResult> results = stage.results.all(messageId);
        assertThat(results).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(SendResult.Outcome.SENT);
            assertThat(r.providerMessageId()).isEqualTo(results.get(0).providerMessageId());
        });
        assertThat(requests(endpoint)).hasSize(1);
        stage.simulator.fault(endpoint.id(), Fault.none());
    }

    @Test
    void sameKeyDifferentBodyIsRefused() throws Exception {
        String tenant = tenant();
        Endpoint endpoint = stage.cloud(tenant, true, 1);
        String to = stage.recipient();
        Instant now = Instant.now();
        SendCommand first = new SendCommand(null, tenant, null, null, to, new MessageContent.Text("first", null),
                "order-7", null, now);
        SendCommand other = new SendCommand("msg_other_body", tenant, null, null, to,
                new MessageContent.Text("something else", null), "order-7", null, now);

        assertThat(stage.send(first).outcome()).isEqualTo(SendResult.Outcome.SENT);
        SendResult refused = stage.send(other);

        assertThat(refused.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(refused.errorCode()).isEqualTo(SendHandler.IDEMPOTENCY_CONFLICT);
        assertThat(requests(endpoint)).hasSize(1);
    }

    @Test
    void deadLettersWhenRetriesRunOut() throws Exception {
        String tenant = tenant();
        Endpoint endpoint = stage.cloud(tenant, true, 1);
        stage.simulator.fault(endpoint.id(), Fault.fail(500));

        SendResult result = stage.send(stage.text(tenant, stage.recipient(), "never"));

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.DEAD_LETTERED);
        assertThat(result.errorCode()).isEqualTo("131000");
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(requests(endpoint)).hasSize(3);
        stage.simulator.fault(endpoint.id(), Fault.none());
    }

    @Test
    void keepsOrderPerRecipient() throws Exception {
        String tenant = tenant();
        Endpoint endpoint = stage.cloud(tenant, true, 1);
        stage.simulator.fault(endpoint.id(), Fault.fail(503).times(2));
        String to = stage.recipient();
        List<SendCommand> commands = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            commands.add(stage.text(tenant, to, "part " + i));
        }

        for (SendCommand c : commands) {
            stage.publish(c);
        }

        assertThat(commands).allSatisfy(c -> assertThat(stage.await(c).outcome()).isEqualTo(SendResult.Outcome.SENT));
        assertThat(stage.await(commands.get(0)).attempts()).isEqualTo(3);
        List<String> bodies = requests(endpoint).stream().map(r -> json(r).path("text").path("body").asText())
                .toList();
        // Part 1 was retried twice; nothing after it went out before it did.
        assertThat(bodies).containsExactly("part 1", "part 1", "part 1", "part 2", "part 3", "part 4", "part 5",
                "part 6");
    }

    @Test
    void hungEndpointDoesNotStarveAnotherTenant() throws Exception {
        String hungTenant = tenant();
        Endpoint hung = stage.cloud(hungTenant, true, 1);
        stage.configure(hungTenant, true, 3_000);
        String otherTenant = tenant();
        stage.cloud(otherTenant, true, 1);
        stage.simulator.fault(hung.id(), Fault.slow(Duration.ofSeconds(5)));
        List<SendCommand> stuck = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            SendCommand c = stage.text(hungTenant, stage.recipient(), "stuck " + i);
            stuck.add(c);
            stage.publish(c);
        }

        long start = System.nanoTime();
        SendResult other = stage.send(stage.text(otherTenant, stage.recipient(), "not held up"));

        assertThat(other.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
        assertThat(stuck).anySatisfy(c -> assertThat(stage.results.all(c.messageId())).isEmpty());
        stage.simulator.fault(hung.id(), Fault.none());
        assertThat(stuck).allSatisfy(c -> assertThat(stage.await(c).outcome()).isNotNull());
    }

    @Test
    void deviceMessageGoesThroughTheDevicesEndpoint() throws Exception {
        String tenant = tenant();
        stage.cloud(tenant, true, 1);
        Endpoint devicesEndpoint = stage.cloud(tenant, false, 1);
        Instant now = Instant.now();
        Device device = new Device("dev_" + stage.infra.uniqueId("d"), tenant, devicesEndpoint.id(), "front desk",
                null, DeviceStatus.CONNECTED, null, null, 0, 5, now, now);
        stage.io.send(stage.topics.devices(), device.id(), device);
        stage.awaitAll(s -> s.directory().device(device.id()).isPresent());
        SendCommand command = new SendCommand(null, tenant, device.id(), null, stage.recipient(),
                new MessageContent.Text("from the desk", null), "desk-1", null, now);

        SendResult result = stage.send(command);

        assertThat(result.endpointId()).isEqualTo(devicesEndpoint.id());
    }

    @Test
    void unreadableCommandIsDeadLetteredAndTheNextOneStillSent() throws Exception {
        String tenant = tenant();
        stage.cloud(tenant, true, 1);
        byte[] garbage = "{\"tenantId\":".getBytes(StandardCharsets.UTF_8);
        String key = tenant + ":garbage";

        stage.io.sendRaw(stage.topics.sendCommands().name(), key.getBytes(StandardCharsets.UTF_8), garbage);
        SendCommand next = stage.text(tenant, stage.recipient(), "after the garbage");
        stage.publish(next);

        ConsumerRecord<byte[], byte[]> dead = stage.io.await(stage.topics.sendDeadLetter().name(),
                r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(key), WAIT)
                .orElseThrow(() -> new AssertionError("no dead letter"));
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(DeadLetter.header(dead.headers(), DeadLetter.STAGE)).isEqualTo("sender");
        assertThat(DeadLetter.header(dead.headers(), DeadLetter.SOURCE_TOPIC))
                .isEqualTo(stage.topics.sendCommands().name());
        assertThat(DeadLetter.header(dead.headers(), DeadLetter.REASON)).contains("SendCommand");
        assertThat(stage.await(next).outcome()).isEqualTo(SendResult.Outcome.SENT);
    }
}
