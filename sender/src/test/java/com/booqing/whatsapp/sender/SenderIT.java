package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.endpoint.HealthState;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.common.webhook.DeadLetter;
import com.booqing.whatsapp.sender.provider.CloudApiAdapter;
import com.booqing.whatsapp.sender.testing.Fixtures;
import com.booqing.whatsapp.sender.testing.TopicIO;
import com.booqing.whatsapp.simulator.Fault;
import com.booqing.whatsapp.simulator.PostedWebhook;
import com.booqing.whatsapp.simulator.RecordedRequest;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.testkit.Infra;
import com.booqing.whatsapp.testkit.KafkaAndRedis;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@KafkaAndRedis
class SenderIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PHONE_NUMBER_ID = "106540352242922";
    private static final JsonSerde<SendResult> RESULTS = JsonSerde.of(SendResult.class);

    private static Simulator simulator;
    private static HttpServer webhookReceiver;
    private static Topics topics;
    private static TopicIO io;
    private static Sender sender;
    private static final SecretBox box = Fixtures.secretBox();

    @BeforeAll
    static void start(Infra infra) {
        simulator = new Simulator(SimulatorConfig.defaults()).start(0);
        webhookReceiver = acceptingWebhooks();
        topics = infra.newTopics();
        io = new TopicIO(infra.bootstrapServers());
        GatewayConfig config = GatewayConfig.from(new Env(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers(),
                "WHATSAPP_DEFAULT_TIMEOUT", "5000")));
        sender = new Sender(config, topics, box,
                List.of(new CloudApiAdapter(CloudApiAdapter.httpClient(Duration.ofSeconds(2)))),
                Clock.systemUTC(), new SimpleMeterRegistry()).start();
    }

    @AfterAll
    static void stop() {
        if (sender != null) {
            sender.close();
        }
        if (io != null) {
            io.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (webhookReceiver != null) {
            webhookReceiver.stop(0);
        }
    }

    private static HttpServer acceptingWebhooks() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String webhookUrl() {
        return "http://127.0.0.1:" + webhookReceiver.getAddress().getPort() + "/webhook";
    }

    /** A simulated Cloud API number, registered as an endpoint of {@code tenant} on the endpoints topic. */
    private static Endpoint cloudEndpoint(Infra infra, String tenant, boolean primary) throws Exception {
        String id = infra.uniqueId("ep");
        String token = "token-" + id;
        SimEndpoint sim = simulator.registerCloudApi(id, PHONE_NUMBER_ID, token, "app-secret", webhookUrl());
        Instant now = Instant.now();
        Endpoint endpoint = new Endpoint(id, tenant, id, ProviderType.CLOUD_API, sim.apiUrl(), "v23.0",
                PHONE_NUMBER_ID, null, null, box.seal(token, Endpoint.secretContext(tenant, id, "apiKey")), null, null,
                true, primary, 1, now, now);
        io.send(topics.endpoints(), id, endpoint);
        awaitSenderKnows(endpoint);
        return endpoint;
    }

    private static void configure(String tenant, boolean failover) throws Exception {
        Instant now = Instant.now();
        io.send(topics.tenantConfig(), tenant,
                new TenantConfiguration(tenant, null, failover, true, 30, 60, 3, 5000, now, now));
        await().atMost(WAIT).until(() -> sender.directory().configuration(tenant).isPresent());
    }

    private static SendCommand command(String tenant, String to, String text) {
        return new SendCommand(null, tenant, null, null, to, new MessageContent.Text(text, null),
                "idem-" + System.nanoTime(), null, Instant.now());
    }

    private static SendResult awaitResult(SendCommand command) {
        ConsumerRecord<byte[], byte[]> r = io.await(topics.sendResults().name(),
                rec -> RESULTS.decode(rec.value()) instanceof Decoded.Ok<SendResult> ok
                        && ok.value().messageId().equals(command.messageId()), WAIT)
                .orElseThrow(() -> new AssertionError("no result for " + command.messageId()));
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(command.partitionKey());
        return ((Decoded.Ok<SendResult>) RESULTS.decode(r.value())).value();
    }

    /** The sender's views learn of new records asynchronously; a command must not race them. */
    private static void awaitSenderKnows(Endpoint endpoint) {
        await().atMost(WAIT).until(() -> sender.directory().endpointsOf(endpoint.tenantId()).contains(endpoint));
    }

    @Test
    void textCommandIsSentThroughTheSimulatorAndReportedWithItsWamid(Infra infra) throws Exception {
        String tenant = infra.uniqueId("tenant");
        Endpoint endpoint = cloudEndpoint(infra, tenant, true);
        configure(tenant, true);
        SendCommand command = command(tenant, "+31612345678", "Your appointment is confirmed");

        io.send(topics.sendCommands(), command.partitionKey(), command);
        SendResult result = awaitResult(command);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(result.endpointId()).isEqualTo(endpoint.id());
        assertThat(result.provider()).isEqualTo(ProviderType.CLOUD_API);
        assertThat(result.providerMessageId()).startsWith("wamid.");
        assertThat(result.attempts()).isEqualTo(1);

        List<RecordedRequest> requests = simulator.requests(endpoint.id());
        assertThat(requests).hasSize(1);
        RecordedRequest request = requests.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v23.0/" + PHONE_NUMBER_ID + "/messages");
        JsonNode body = Json.lenient().readTree(request.body());
        assertThat(body.path("to").asText()).isEqualTo("+31612345678");
        assertThat(body.path("text").path("body").asText()).isEqualTo("Your appointment is confirmed");
        assertThat(body.path("biz_opaque_callback_data").asText()).isEqualTo(command.messageId());

        // The simulator's receipt for the wamid it issued names the same message: the ids join up.
        await().atMost(WAIT).until(() -> simulator.webhooks(endpoint.id()).stream()
                .anyMatch(w -> w.kind().equals("status:sent")));
        PostedWebhook sent = simulator.webhooks(endpoint.id()).stream()
                .filter(w -> w.kind().equals("status:sent")).findFirst().orElseThrow();
        assertThat(sent.messageId()).isEqualTo(result.providerMessageId());
        assertThat(sent.body()).contains(command.messageId());
    }

    @Test
    void invalidPhoneNumberFailsWithoutCallingTheProvider(Infra infra) throws Exception {
        String tenant = infra.uniqueId("tenant");
        Endpoint endpoint = cloudEndpoint(infra, tenant, true);
        SendCommand command = command(tenant, "0612345678", "hi");

        io.send(topics.sendCommands(), command.partitionKey(), command);
        SendResult result = awaitResult(command);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo(SendHandler.INVALID_RECIPIENT);
        assertThat(result.attempts()).isZero();
        assertThat(simulator.requests(endpoint.id())).isEmpty();
    }

    @Test
    void failsOverToTheBackupWhenTheMonitorReportsThePrimaryUnhealthy(Infra infra) throws Exception {
        String tenant = infra.uniqueId("tenant");
        Endpoint primary = cloudEndpoint(infra, tenant, true);
        Endpoint backup = cloudEndpoint(infra, tenant, false);
        configure(tenant, true);
        simulator.fault(primary.id(), Fault.dark());
        Instant now = Instant.now();
        io.send(topics.endpointHealth(), primary.id(), new EndpointHealth(tenant, primary.id(), HealthState.UNHEALTHY,
                null, "connection refused", now, now, false));
        await().atMost(WAIT).until(() -> sender.directory().health(primary.id()) == HealthState.UNHEALTHY);
        SendCommand command = command(tenant, "+31612345678", "via backup");

        io.send(topics.sendCommands(), command.partitionKey(), command);
        SendResult result = awaitResult(command);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.SENT);
        assertThat(result.endpointId()).isEqualTo(backup.id());
        assertThat(simulator.requests(backup.id())).hasSize(1);
        simulator.fault(primary.id(), Fault.none());
    }

    @Test
    void providerErrorBecomesAFailedResultWithItsCode(Infra infra) throws Exception {
        String tenant = infra.uniqueId("tenant");
        Endpoint endpoint = cloudEndpoint(infra, tenant, true);
        simulator.fault(endpoint.id(), Fault.rateLimit());
        SendCommand command = command(tenant, "+31612345678", "hi");

        io.send(topics.sendCommands(), command.partitionKey(), command);
        SendResult result = awaitResult(command);

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.errorCode()).isEqualTo("130429");
        assertThat(result.endpointId()).isEqualTo(endpoint.id());
    }

    @Test
    void unreadableCommandIsDeadLetteredAndTheNextOneStillSent(Infra infra) throws Exception {
        String tenant = infra.uniqueId("tenant");
        cloudEndpoint(infra, tenant, true);
        byte[] garbage = "{\"tenantId\":".getBytes(StandardCharsets.UTF_8);
        String key = tenant + ":garbage";

        io.sendRaw(topics.sendCommands().name(), key.getBytes(StandardCharsets.UTF_8), garbage);
        SendCommand next = command(tenant, "+31612345678", "after the garbage");
        io.send(topics.sendCommands(), next.partitionKey(), next);

        ConsumerRecord<byte[], byte[]> dead = io.await(topics.sendDeadLetter().name(),
                r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(key), WAIT)
                .orElseThrow(() -> new AssertionError("no dead letter"));
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(DeadLetter.header(dead.headers(), DeadLetter.STAGE)).isEqualTo("sender");
        assertThat(DeadLetter.header(dead.headers(), DeadLetter.SOURCE_TOPIC)).isEqualTo(topics.sendCommands().name());
        assertThat(DeadLetter.header(dead.headers(), DeadLetter.REASON)).contains("SendCommand");
        assertThat(awaitResult(next).outcome()).isEqualTo(SendResult.Outcome.SENT);
    }
}
