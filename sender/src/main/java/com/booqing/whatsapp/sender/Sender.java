package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.common.webhook.DeadLetter;
import com.booqing.whatsapp.sender.endpoint.EndpointDirectory;
import com.booqing.whatsapp.sender.endpoint.EndpointSelector;
import com.booqing.whatsapp.sender.endpoint.ViewDirectory;
import com.booqing.whatsapp.sender.provider.ProviderAdapter;
import com.booqing.whatsapp.sender.provider.ProviderAdapters;
import com.booqing.whatsapp.sender.recipient.PhoneNumbers;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * The sender service: reads send commands (group {@value #GROUP}, committed records only), sends each through
 * the chosen endpoint and publishes exactly one result per command. A command's offset is committed only after
 * its result (or, for unreadable bytes, its dead letter) is acknowledged by every in-sync replica, so a crash
 * never loses a command; it may repeat one, which the idempotency of the outbound work will absorb.
 */
public final class Sender implements AutoCloseable {
    public static final String GROUP = "whatsapp-sender";
    static final String STAGE = "sender";
    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    private static final int MAX_POLL_RECORDS = 5;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration MAX_PUBLISH_BACKOFF = Duration.ofSeconds(30);

    private final GatewayConfig config;
    private final Topics topics;
    private final Clock clock;
    private final MeterRegistry meters;
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final CompactedTopicView<TenantConfiguration> configurations;
    private final CompactedTopicView<Endpoint> endpoints;
    private final CompactedTopicView<EndpointHealth> health;
    private final ViewDirectory directory;
    private final SendHandler handler;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final JsonSerde<SendCommand> commandSerde;
    private volatile boolean running;
    private Thread loop;

    public Sender(GatewayConfig config, Topics topics, SecretBox secrets, List<ProviderAdapter> adapters, Clock clock,
                  MeterRegistry meters) {
        this.config = config;
        this.topics = topics;
        this.clock = clock;
        this.meters = meters;
        String bootstrap = config.kafkaBootstrapServers();
        this.configurations = new CompactedTopicView<>(bootstrap, topics.tenantConfig(), clientId("config"), (k, v) -> {
        });
        this.endpoints = new CompactedTopicView<>(bootstrap, topics.endpoints(), clientId("endpoints"), (k, v) -> {
        });
        this.health = new CompactedTopicView<>(bootstrap, topics.endpointHealth(), clientId("health"), (k, v) -> {
        });
        this.directory = new ViewDirectory(configurations, endpoints, health, config.healthCheckInterval(), clock);
        this.handler = new SendHandler(directory, new EndpointSelector(), new ProviderAdapters(adapters), secrets,
                new PhoneNumbers(), config.defaultTimeout(), clock);
        this.commandSerde = jsonSerde(topics.sendCommands());
        this.producer = new KafkaProducer<>(KafkaClients.durableProducer(bootstrap, clientId("results"),
                Duration.ofSeconds(10), Duration.ofSeconds(30)), new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> c = KafkaClients.committedReader(bootstrap, GROUP, clientId("commands"));
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        // A batch may take every command's full provider timeout; the group must not evict us meanwhile.
        Duration longestSend = SendHandler.MAX_TIMEOUT.compareTo(config.defaultTimeout()) > 0
                ? SendHandler.MAX_TIMEOUT : config.defaultTimeout();
        long maxBatch = longestSend.plusSeconds(5).toMillis() * MAX_POLL_RECORDS;
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.max(300_000, maxBatch));
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Reads the configuration topics to their end, then starts consuming commands. */
    public Sender start() {
        configurations.start();
        endpoints.start();
        health.start();
        try {
            for (CompactedTopicView<?> v : List.of(configurations, endpoints, health)) {
                if (!v.awaitCaughtUp(STARTUP_TIMEOUT)) {
                    throw new IllegalStateException("configuration topics not read within " + STARTUP_TIMEOUT);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading configuration topics", e);
        }
        running = true;
        loop = new Thread(this::run, "sender-" + instance);
        loop.start();
        log.info("sender {} consuming {}", instance, topics.sendCommands().name());
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topics.sendCommands().name()));
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (!running) {
                        return;
                    }
                    if (!process(r)) {
                        return;
                    }
                    consumer.commitSync(Map.of(new TopicPartition(r.topic(), r.partition()),
                            new OffsetAndMetadata(r.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("sender loop woken up unexpectedly");
            }
        } catch (RuntimeException e) {
            log.error("sender loop stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** @return true when the command's outcome is acknowledged and its offset may be committed */
    private boolean process(ConsumerRecord<byte[], byte[]> r) {
        Decoded<SendCommand> decoded = commandSerde.decode(r.value());
        if (decoded instanceof Decoded.Bad<SendCommand> bad) {
            log.warn("dead-lettering unreadable send command at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    bad.reason());
            meters.counter("whatsapp.sender.dead.letters").increment();
            return publish(new ProducerRecord<>(topics.sendDeadLetter().name(), null, r.key(), r.value(),
                    DeadLetter.headers(r.headers(), STAGE, bad.reason(), r.topic(), r.partition(), r.offset(),
                            clock.instant())));
        }
        SendCommand command = ((Decoded.Ok<SendCommand>) decoded).value();
        SendResult result;
        try {
            result = handler.handle(command);
        } catch (RuntimeException e) {
            log.error("send of {} failed unexpectedly: {}", command.messageId(), e.toString(), e);
            result = new SendResult(command.messageId(), command.tenantId(), command.idempotencyKey(), command.to(),
                    SendResult.Outcome.FAILED, null, null, null, "internal_error", "unexpected error in the sender",
                    0, clock.instant());
        }
        log.info("message {} of tenant {}: {}{}{}", result.messageId(), result.tenantId(), result.outcome().wireName(),
                result.endpointId() == null ? "" : " via " + result.endpointId(),
                result.errorCode() == null ? "" : " (" + result.errorCode() + ")");
        meters.counter("whatsapp.sender.results", "outcome", result.outcome().wireName(),
                "provider", result.provider() == null ? "none" : result.provider().wireName()).increment();
        Topic<String, SendResult> out = topics.sendResults();
        return publish(new ProducerRecord<>(out.name(),
                out.keySerde().serializer().serialize(out.name(), command.partitionKey()),
                out.valueSerde().serializer().serialize(out.name(), result)));
    }

    /** Waits for the broker's acknowledgement, retrying with backoff while the service runs. */
    private boolean publish(ProducerRecord<byte[], byte[]> record) {
        Duration backoff = Duration.ofMillis(200);
        while (running) {
            try {
                producer.send(record).get();
                return true;
            } catch (ExecutionException e) {
                log.warn("publishing to {} failed, retrying in {} ms: {}", record.topic(), backoff.toMillis(),
                        e.getCause() == null ? e.toString() : e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_PUBLISH_BACKOFF) > 0 ? MAX_PUBLISH_BACKOFF
                    : backoff.multipliedBy(2);
        }
        return false;
    }

    /** What the sender currently knows; lets tests wait for the views instead of sleeping. */
    EndpointDirectory directory() {
        return directory;
    }

    @SuppressWarnings("unchecked")
    private static <V> JsonSerde<V> jsonSerde(Topic<String, V> topic) {
        return (JsonSerde<V>) topic.valueSerde();
    }

    private String clientId(String purpose) {
        return "whatsapp-sender-" + purpose + "-" + instance;
    }

    /** Lets the command in flight finish (at most its provider timeout), then stops. */
    @Override
    public void close() {
        running = false;
        if (loop != null) {
            try {
                loop.join(config.defaultTimeout().plusSeconds(10).toMillis());
                if (loop.isAlive()) {
                    consumer.wakeup();
                    loop.interrupt();
                    loop.join(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ofSeconds(5));
        }
        producer.close(Duration.ofSeconds(5));
        configurations.close();
        endpoints.close();
        health.close();
    }
}
