package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.testkit.canary.Canaries;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.sender.delivery.Sleeper;
import com.booqing.whatsapp.sender.idempotency.RedisIdempotencyStore;
import com.booqing.whatsapp.sender.provider.CloudApiAdapter;
import com.booqing.whatsapp.sender.provider.EvolutionAdapter;
import com.booqing.whatsapp.sender.provider.WahaAdapter;
import com.booqing.whatsapp.sender.testing.Fixtures;
import com.booqing.whatsapp.sender.testing.ResultLog;
import com.booqing.whatsapp.sender.testing.TopicIO;
import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.testkit.Infra;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;

/**
 * What the sender's integration tests share: the simulator, a webhook sink for its receipts, a topic catalogue with
 * a results reader, a Redis namespace, and senders built on them. Endpoints are registered in the simulator and
 * published on the endpoints topic; each helper waits until every sender has read what it published.
 */
final class SimStage implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String PHONE_NUMBER_ID = "106540352242922";

    final Infra infra;
    final Simulator simulator;
    final Topics topics;
    final TopicIO io;
    final ResultLog results;
    final RedisKeys keys;
    final SecretBox box = Fixtures.secretBox();
    private final HttpServer webhooks;
    final String group;
    private final List<Sender> senders = new ArrayList<>();
    private final AtomicInteger recipients = new AtomicInteger();

    SimStage(Infra infra) {
        this.infra = infra;
        this.simulator = new Simulator(SimulatorConfig.defaults()).start(0);
        this.webhooks = acceptingWebhooks();
        this.topics = infra.newTopics();
        this.io = new TopicIO(infra.bootstrapServers());
        this.results = new ResultLog(infra.bootstrapServers(), topics.sendResults().name());
        this.keys = infra.newRedisKeys();
        this.group = infra.uniqueId("sender");
    }

    /**
     * Test settings: fast backoff, a breaker that opens after 2 failures for 1.5 s. The default timeout stays
     * generous (a loaded machine must not turn a slow start into an ambiguous send); tests about timeouts give
     * their tenant a short messageTimeout.
     */
    static Map<String, String> fastSettings() {
        Map<String, String> env = new HashMap<>();
        env.put("WHATSAPP_DEFAULT_TIMEOUT", "5000");
        env.put("WHATSAPP_DEFAULT_RETRIES", "2");
        env.put("SENDER_BACKOFF_BASE_MS", "50");
        env.put("SENDER_BACKOFF_MAX_MS", "400");
        env.put("SENDER_BREAKER_WINDOW", "4");
        env.put("SENDER_BREAKER_MIN_CALLS", "2");
        env.put("SENDER_BREAKER_OPEN_MS", "1500");
        env.put("SENDER_RATE_PER_SECOND_DEFAULT", "1000");
        return env;
    }

    Sender startSender(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
        env.put("REDIS_URL", infra.redisUrl());
        env.put("WHATSAPP_REDIS_NAMESPACE", keys.namespace());
        env.put("SENDER_GROUP_ID", group);
        // The simulator's endpoints listen on loopback, which the endpoint-URL guard refuses by default.
        env.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true");
        Env e = new Env(env);
        GatewayConfig config = GatewayConfig.from(e);
        var http = CloudApiAdapter.httpClient(Duration.ofSeconds(1));
        Sender sender = new Sender(config, SenderSettings.from(e, config), topics, box,
                List.of(new CloudApiAdapter(http), new WahaAdapter(http), new EvolutionAdapter(http)),
                new RedisIdempotencyStore(infra.redis(), keys), Clock.systemUTC(), Sleeper.SYSTEM,
                new SimpleMeterRegistry()).start();
        synchronized (senders) {
            senders.add(sender);
        }
        return sender;
    }

    void stopped(Sender sender) {
        synchronized (senders) {
            senders.remove(sender);
        }
        sender.close();
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
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String webhookUrl() {
        return "http://127.0.0.1:" + webhooks.getAddress().getPort() + "/webhook";
    }

    /** A distinct valid Dutch mobile number per call. */
    String recipient() {
        return String.format("+316%08d", 10_000_000 + recipients.incrementAndGet());
    }

    /** The app secret of the simulated Cloud API numbers (the sender never needs it; the simulator does). */
    private static final String APP_SECRET = Canaries.text("sender cloud app secret");

    Endpoint cloud(String tenant, boolean primary, int weight) throws Exception {
        String id = infra.uniqueId("ep");
        String token = Canaries.text("sender cloud access token");
        SimEndpoint sim = simulator.registerCloudApi(id, PHONE_NUMBER_ID, token, APP_SECRET, webhookUrl());
        return publish(endpoint(id, tenant, ProviderType.CLOUD_API, sim.apiUrl(), "v23.0", PHONE_NUMBER_ID, null, null,
                token, primary, weight));
    }

    /** A Cloud API endpoint whose stored token is not the one the simulator expects. */
    Endpoint cloudWithWrongToken(String tenant) throws Exception {
        String id = infra.uniqueId("ep");
        SimEndpoint sim = simulator.registerCloudApi(id, PHONE_NUMBER_ID,
                Canaries.text("sender right cloud access token"), APP_SECRET, webhookUrl());
        return publish(endpoint(id, tenant, ProviderType.CLOUD_API, sim.apiUrl(), "v23.0", PHONE_NUMBER_ID, null, null,
                Canaries.text("sender wrong cloud access token"), true, 1));
    }

    Endpoint waha(String tenant, boolean primary) throws Exception {
        String id = infra.uniqueId("ep");
        String key = Canaries.text("sender WAHA API key");
        SimEndpoint sim = simulator.registerWaha(id, "salon", key, null, webhookUrl());
        return publish(endpoint(id, tenant, ProviderType.WAHA, sim.apiUrl(), null, null, "salon", null, key, primary,
                1));
    }

    Endpoint evolution(String tenant, boolean primary) throws Exception {
        String id = infra.uniqueId("ep");
        String key = Canaries.text("sender Evolution API key");
        SimEndpoint sim = simulator.registerEvolution(id, "salon", key, null, webhookUrl());
        return publish(endpoint(id, tenant, ProviderType.EVOLUTION, sim.apiUrl(), null, null, null, "salon", key,
                primary, 1));
    }

    private Endpoint endpoint(String id, String tenant, ProviderType provider, String apiUrl, String version,
                              String phoneNumberId, String session, String instance, String key, boolean primary,
                              int weight) {
        Instant now = Instant.now();
        return new Endpoint(id, tenant, id, provider, apiUrl, version, phoneNumberId, session, instance,
                box.seal(key, Endpoint.secretContext(tenant, id, "apiKey")), null, null, true, primary, weight, now,
                now);
    }

    Endpoint publish(Endpoint endpoint) throws Exception {
        io.send(topics.endpoints(), endpoint.id(), endpoint);
        awaitAll(s -> s.directory().endpointsOf(endpoint.tenantId()).contains(endpoint));
        return endpoint;
    }

    void configure(String tenant, boolean failover, int messageTimeoutMs) throws Exception {
        Instant now = Instant.now();
        TenantConfiguration configuration = new TenantConfiguration(tenant, null, failover, true, 30, 60, 3,
                messageTimeoutMs, now, now);
        io.send(topics.tenantConfig(), tenant, configuration);
        awaitAll(s -> s.directory().configuration(tenant).equals(java.util.Optional.of(configuration)));
    }

    void awaitAll(java.util.function.Predicate<Sender> knows) {
        List<Sender> all;
        synchronized (senders) {
            all = List.copyOf(senders);
        }
        Awaitility.await().atMost(WAIT).until(() -> all.stream().allMatch(knows));
    }

    SendCommand command(String tenant, String to, MessageContent content) {
        return new SendCommand(null, tenant, null, null, to, content, "idem-" + System.nanoTime() + "-"
                + recipients.incrementAndGet(), null, Instant.now());
    }

    SendCommand text(String tenant, String to, String text) {
        return command(tenant, to, new MessageContent.Text(text, null));
    }

    void publish(SendCommand command) throws Exception {
        io.send(topics.sendCommands(), command.partitionKey(), command);
    }

    SendResult send(SendCommand command) throws Exception {
        publish(command);
        return results.await(command.messageId(), WAIT);
    }

    SendResult await(SendCommand command) {
        return results.await(command.messageId(), WAIT);
    }

    @Override
    public void close() {
        List<Sender> all;
        synchronized (senders) {
            all = List.copyOf(senders);
            senders.clear();
        }
        all.forEach(Sender::close);
        results.close();
        io.close();
        simulator.close();
        webhooks.stop(0);
        infra.deleteKeys(keys);
    }
}
