package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.device.Device;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.EndpointHealth;
import com.booqing.whatsapp.common.json.Decoded;
import com.booqing.whatsapp.common.json.JsonSerde;
import com.booqing.whatsapp.common.kafka.CompactedTopicView;
import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.kafka.ViewIndex;
import com.booqing.whatsapp.common.logging.LogContext;
import com.booqing.whatsapp.common.logging.Trace;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.common.tenant.Ids;
import com.booqing.whatsapp.common.tenant.TenantConfiguration;
import com.booqing.whatsapp.common.webhook.DeadLetter;
import com.booqing.whatsapp.sender.delivery.Backoff;
import com.booqing.whatsapp.sender.delivery.Cancellation;
import com.booqing.whatsapp.sender.delivery.Delivery;
import com.booqing.whatsapp.sender.delivery.Sleeper;
import com.booqing.whatsapp.sender.dispatch.Dispatcher;
import com.booqing.whatsapp.sender.dispatch.Job;
import com.booqing.whatsapp.sender.dispatch.PartitionState;
import com.booqing.whatsapp.sender.endpoint.EndpointDirectory;
import com.booqing.whatsapp.sender.endpoint.EndpointGuards;
import com.booqing.whatsapp.sender.endpoint.EndpointSelector;
import com.booqing.whatsapp.sender.endpoint.ViewDirectory;
import com.booqing.whatsapp.sender.idempotency.IdempotencyStore;
import com.booqing.whatsapp.sender.idempotency.RedisIdempotencyStore;
import com.booqing.whatsapp.sender.provider.EndpointAddressCheck;
import com.booqing.whatsapp.sender.provider.ProviderAdapter;
import com.booqing.whatsapp.sender.provider.ProviderAdapters;
import com.booqing.whatsapp.sender.recipient.PhoneNumbers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The sender service. One thread polls the send-commands topic (committed records only) and hands each record to
 * the {@link Dispatcher}, which runs it in its endpoint's lane while keeping the records of one key
 * (tenant:recipient) in order. Each command ends in exactly one result on the results topic. A record's offset is
 * committed only when it and every record before it in its partition are finished (result or dead letter
 * acknowledged by every in-sync replica), so nothing is lost in a crash and nothing is skipped; a repeat is
 * absorbed by the idempotency store. A worker does not wait for that acknowledgement: it hands the result to the
 * producer and takes the next command, while the record's chain (its recipient's next message) waits for the
 * acknowledgement. docs: DELIVERY.md.
 */
public final class Sender implements AutoCloseable {
    static final String STAGE = "sender";
    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    private static final int MAX_POLL_RECORDS = 200;
    private static final Duration POLL = Duration.ofMillis(100);
    /** How long a poll waits while records wait for room in a lane that may have been made meanwhile. */
    private static final Duration POLL_WHILE_WAITING = Duration.ofMillis(2);
    /** The longest records wait for a pass when some room was made in the lanes. */
    private static final long REDISPATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Offsets are committed at most this often (and always before partitions are given up). */
    private static final long COMMIT_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long COMMIT_WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration MAX_PUBLISH_BACKOFF = Duration.ofSeconds(30);
    private static final Duration RESULT_LINGER = Duration.ofMillis(5);
    private static final String UNREADABLE_LANE = "unreadable";
    /**
     * A stop leaves the group even as a static member (SENDER_INSTANCE_ID): one that only closed would keep its
     * partitions, unread, until its session timed out.
     */
    private static final CloseOptions LEAVE_GROUP = CloseOptions
            .groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(5));

    private final SenderSettings settings;
    private final Topics topics;
    private final Clock clock;
    private final SenderMetrics metrics;
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    /** When a failed periodic commit was last logged; touched by the polling thread only (commit callbacks run in poll). */
    private long lastCommitWarning = System.nanoTime() - COMMIT_WARN_EVERY_NANOS;
    private final CompactedTopicView<TenantConfiguration> configurations;
    private final CompactedTopicView<Endpoint> endpoints;
    private final CompactedTopicView<EndpointHealth> health;
    private final CompactedTopicView<Device> devices;
    private final ViewDirectory directory;
    private final EndpointSelector selector = new EndpointSelector();
    private final EndpointGuards guards;
    private final SendHandler handler;
    private final Dispatcher dispatcher;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    /** The command consumer's own metrics, records-lag-max among them: how many commands wait. */
    private final KafkaClientMetrics consumerMetrics;
    /** For commands that arrive without a trace id (put on Kafka by a client that sets none). */
    private final Trace traces = new Trace();
    private final JsonSerde<SendCommand> commandSerde;
    private final Duration drainTimeout;
    private final AutoCloseable ownedResources;
    /** Waits between tries of a result the broker did not acknowledge; the only thing it runs. */
    private final ScheduledExecutorService publishRetries;
    /** Touched by the polling thread only (the rebalance listener runs on it too). */
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    /** The partitions this instance owns, for tests and the log; written by the polling thread. */
    private volatile Set<TopicPartition> assignment = Set.of();
    private volatile boolean running;
    private volatile Thread loop;

    /** With default sender settings and the Redis of {@code config}: what the end-to-end pipeline uses. */
    public Sender(GatewayConfig config, Topics topics, SecretBox secrets, List<ProviderAdapter> adapters, Clock clock,
                  MeterRegistry meters) {
        this(config, SenderSettings.from(new Env(Map.of()), config), topics, secrets, adapters,
                RedisClients.pooled(config.redisUrl(), 16), new RedisKeys(config.redisNamespace()), clock, meters);
    }

    private Sender(GatewayConfig config, SenderSettings settings, Topics topics, SecretBox secrets,
                   List<ProviderAdapter> adapters, JedisPooled redis, RedisKeys keys, Clock clock,
                   MeterRegistry meters) {
        this(config, settings, topics, secrets, adapters, new RedisIdempotencyStore(redis, keys), clock,
                Sleeper.SYSTEM, meters, redis);
    }

    public Sender(GatewayConfig config, SenderSettings settings, Topics topics, SecretBox secrets,
                  List<ProviderAdapter> adapters, IdempotencyStore idempotency, Clock clock, Sleeper sleeper,
                  MeterRegistry meters) {
        this(config, settings, topics, secrets, adapters, idempotency, clock, sleeper, meters, () -> {
        });
    }

    private Sender(GatewayConfig config, SenderSettings settings, Topics topics, SecretBox secrets,
                   List<ProviderAdapter> adapters, IdempotencyStore idempotency, Clock clock, Sleeper sleeper,
                   MeterRegistry meters, AutoCloseable owned) {
        this.settings = settings;
        this.topics = topics;
        this.clock = clock;
        this.metrics = new SenderMetrics(meters);
        this.ownedResources = owned;
        String bootstrap = config.kafkaBootstrapServers();
        this.configurations = new CompactedTopicView<>(bootstrap, topics.tenantConfig(), clientId("config"), (k, v) -> {
        });
        ViewIndex<Endpoint> endpointsByTenant = new ViewIndex<>(Endpoint::tenantId);
        this.endpoints = new CompactedTopicView<>(bootstrap, topics.endpoints(), clientId("endpoints"),
                endpointsByTenant);
        this.health = new CompactedTopicView<>(bootstrap, topics.endpointHealth(), clientId("health"), (k, v) -> {
        });
        this.devices = new CompactedTopicView<>(bootstrap, topics.devices(), clientId("devices"), (k, v) -> {
        });
        this.directory = new ViewDirectory(configurations, endpointsByTenant, health, devices,
                config.healthCheckInterval(), clock);
        this.guards = new EndpointGuards(settings.breaker(), clock, meters);
        SecureRandom random = new SecureRandom();
        Delivery delivery = new Delivery(new ProviderAdapters(adapters, EndpointAddressCheck.from(config)), guards, secrets,
                new Backoff(settings.backoffBase(), settings.backoffMax(), random::nextDouble), settings.retries(),
                clock, sleeper, metrics);
        this.handler = new SendHandler(directory, selector, guards, delivery, idempotency, new PhoneNumbers(),
                settings, clock, sleeper, metrics);
        this.dispatcher = new Dispatcher(settings.workersPerEndpoint(), settings.endpointQueue(), this::work);
        this.publishRetries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sender-publish-retries-" + instance);
            t.setDaemon(true);
            return t;
        });
        this.commandSerde = jsonSerde(topics.sendCommands());
        // Results are batched for up to 5 ms: at 1,000 sends/s a 1 ms linger made about one produce request per
        // result, and each costs the broker more than the record (bench SendBenchmark: broker 0.19 -> 0.15-0.17
        // cores at 1,100-1,500 sends/s; results were not read any later). The delivery timeout covers the linger.
        Map<String, Object> p = KafkaClients.durableProducer(bootstrap, clientId("results"), Duration.ofSeconds(10),
                Duration.ofSeconds(30).plus(RESULT_LINGER));
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) RESULT_LINGER.toMillis());
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        // A call in flight finishes before its partition is given up: its outcome must be known, not guessed. A
        // tenant's messageTimeout may be longer than the default, up to the cap.
        this.drainTimeout = SendHandler.MAX_TIMEOUT.plusSeconds(5);
        Map<String, Object> c = KafkaClients.committedReader(bootstrap, settings.groupId(), clientId("commands"));
        c.putAll(settings.membership().consumerSettings("commands"));
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                (int) Math.max(300_000, drainTimeout.plusSeconds(60).toMillis()));
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(meters);
    }

    /** Reads the configuration topics to their end, then starts consuming commands. */
    public Sender start() {
        List<CompactedTopicView<?>> views = List.of(configurations, endpoints, health, devices);
        views.forEach(CompactedTopicView::start);
        try {
            for (CompactedTopicView<?> v : views) {
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
        log.info("sender {} consuming {} in group {}", instance, topics.sendCommands().name(), settings.groupId());
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topics.sendCommands().name()), new Rebalance());
            long lastCommit = System.nanoTime();
            long lastDispatch = lastCommit;
            long roomSeen = 0;
            // Offering a backlog costs a pass over it: when only room was made (jobs ended), pass again once a
            // tenth of a lane has freed up, or after a short while, not after every single job.
            long roomWorthAPass = Math.max(1, settings.endpointQueue() / 10);
            while (running) {
                // While records wait for room in a lane, look again soon: room is made by workers, not by the
                // broker, and a paused partition would otherwise keep this poll waiting its full time.
                boolean waiting = partitions.values().stream().anyMatch(p -> !p.backlog().isEmpty());
                boolean read = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(waiting ? POLL_WHILE_WAITING : POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    PartitionState partition = partitions.computeIfAbsent(tp, PartitionState::new);
                    partition.read(r.offset());
                    partition.backlog().add(job(r, partition));
                    read = true;
                }
                long room = dispatcher.finishedCount() - roomSeen;
                long now = System.nanoTime();
                if (read || room >= roomWorthAPass || (room > 0 && now - lastDispatch >= REDISPATCH_NANOS)) {
                    roomSeen += room;
                    lastDispatch = now;
                    dispatch();
                    flowControl();
                }
                if (System.nanoTime() - lastCommit >= COMMIT_EVERY_NANOS) {
                    commitAsync(partitions.values());
                    lastCommit = System.nanoTime();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("sender loop woken up unexpectedly");
            }
        } catch (FencedInstanceIdException e) {
            log.error("sender {} stopped: another running sender has the same SENDER_INSTANCE_ID ({}); each "
                    + "instance needs its own", instance, settings.membership().instanceId());
        } catch (RuntimeException e) {
            log.error("sender loop stopped: {}", e.toString(), e);
        } finally {
            try {
                giveUp(new HashSet<>(partitions.keySet()), true);
            } catch (RuntimeException e) {
                log.warn("could not commit finished work on shutdown: {}", e.toString());
            }
            consumer.close(LEAVE_GROUP);
        }
    }

    private Job job(ConsumerRecord<byte[], byte[]> r, PartitionState partition) {
        // Records without a key have no order to keep.
        String key = r.key() == null ? "offset:" + r.partition() + ":" + r.offset()
                : new String(r.key(), StandardCharsets.UTF_8);
        Decoded<SendCommand> decoded = commandSerde.decode(r.value());
        if (decoded instanceof Decoded.Bad<SendCommand> bad) {
            return new Job(r, partition, key, UNREADABLE_LANE, null, bad.reason(), new Cancellation());
        }
        SendCommand command = ((Decoded.Ok<SendCommand>) decoded).value();
        String lane = selector.lane(command, directory.configuration(command.tenantId()),
                directory.endpointsOf(command.tenantId()), directory::device);
        return new Job(r, partition, key, lane, command, null, new Cancellation());
    }

    /**
     * Offers every partition's backlog in order. A record whose lane is full waits, and so does every later record
     * with its key; records of other keys go ahead, so one full lane does not hold up other tenants.
     */
    private void dispatch() {
        for (PartitionState partition : partitions.values()) {
            if (!partition.backlog().isEmpty()) {
                dispatcher.offerInOrder(partition.backlog());
            }
        }
    }

    /** A partition whose backlog is full stops being fetched until half of it is dispatched. */
    private void flowControl() {
        for (PartitionState partition : partitions.values()) {
            int waiting = partition.backlog().size();
            if (!partition.paused() && waiting >= settings.partitionBacklog()) {
                consumer.pause(List.of(partition.partition()));
                partition.paused(true);
            } else if (partition.paused() && waiting <= settings.partitionBacklog() / 2) {
                consumer.resume(List.of(partition.partition()));
                partition.paused(false);
            }
        }
    }

    /** Before partitions are given up and on shutdown: the next owner must start right after what finished. */
    private void commit(Collection<PartitionState> states) {
        Map<PartitionState, Long> done = toCommit(states);
        if (done.isEmpty()) {
            return;
        }
        consumer.commitSync(offsets(done));
        done.forEach(PartitionState::committed);
    }

    /**
     * The periodic commit does not wait for the broker: a synchronous one held the loop, and every command arriving
     * meanwhile, for a round trip to the group coordinator ten times a second. A commit that fails is made again by
     * the next one, which covers the same offsets or later ones.
     */
    private void commitAsync(Collection<PartitionState> states) {
        Map<PartitionState, Long> done = toCommit(states);
        if (done.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets(done), (committed, error) -> {
            if (error == null) {
                done.forEach(PartitionState::committed);
                return;
            }
            // A commit that keeps failing leaves the group's position behind: after a restart or a rebalance all
            // since then is read again (sent once, thanks to the idempotency keys, but its results published
            // again). Said once per COMMIT_WARN_EVERY, unless it is the passing kind.
            long now = System.nanoTime();
            if (error instanceof RetriableCommitFailedException) {
                log.debug("periodic commit failed, the next one covers it: {}", error.toString());
            } else if (now - lastCommitWarning >= COMMIT_WARN_EVERY_NANOS) {
                lastCommitWarning = now;
                log.warn("periodic commit of the send commands' offsets failed: {}", error.toString());
            }
        });
    }

    private static Map<PartitionState, Long> toCommit(Collection<PartitionState> states) {
        Map<PartitionState, Long> done = new HashMap<>();
        for (PartitionState partition : states) {
            OptionalLong offset = partition.toCommit();
            if (offset.isPresent()) {
                done.put(partition, offset.getAsLong());
            }
        }
        return done;
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(Map<PartitionState, Long> done) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        done.forEach((partition, offset) -> offsets.put(partition.partition(), new OffsetAndMetadata(offset)));
        return offsets;
    }

    /**
     * Stops the work of partitions this instance is losing: queued commands are dropped (the next owner reads them
     * again), running ones stop at their next step, provider calls in flight are waited for. Then what finished is
     * committed, so the next owner starts right after it, and per-recipient order holds across the move.
     */
    private void giveUp(Set<TopicPartition> lost, boolean commit) {
        if (lost.isEmpty()) {
            return;
        }
        List<PartitionState> states = new ArrayList<>();
        for (TopicPartition tp : lost) {
            PartitionState state = partitions.remove(tp);
            if (state != null) {
                state.backlog().clear();
                states.add(state);
            }
        }
        dispatcher.cancel(job -> lost.contains(job.partition().partition()));
        try {
            if (!dispatcher.awaitIdle(job -> lost.contains(job.partition().partition()), drainTimeout)) {
                log.warn("work of partitions {} did not stop within {}; it will not be committed", lost, drainTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (commit) {
            try {
                commit(states);
            } catch (KafkaException e) {
                log.warn("could not commit partitions {} before giving them up: {}", lost, e.toString());
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            giveUp(new HashSet<>(revoked), true);
            assignment = Set.copyOf(partitions.keySet());
            if (!revoked.isEmpty()) {
                log.info("sender {} gave up partitions {}", instance, revoked);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            giveUp(new HashSet<>(lost), false);
            assignment = Set.copyOf(partitions.keySet());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            for (TopicPartition tp : assigned) {
                partitions.putIfAbsent(tp, new PartitionState(tp));
            }
            assignment = Set.copyOf(partitions.keySet());
            if (!assigned.isEmpty()) {
                log.info("sender {} took partitions {}", instance, assigned);
            }
        }
    }

    /**
     * Runs in a lane: one command to one published result (or one dead letter). @return completes when the result
     * is acknowledged (the record is then finished) or its job was cancelled. Its logs carry the command's trace id
     * (header {@value Trace#HEADER}, set by the ingress; a new one when the producer set none), tenant and message
     * id, and the result carries the same trace id on.
     */
    private CompletionStage<Void> work(Job job) {
        String trace = Trace.of(job.record().headers());
        try (LogContext logContext = LogContext.open().trace(trace != null ? trace : traces.next())) {
            SendCommand command = job.command();
            if (command != null) {
                logContext.tenant(Ids.isValidTenantId(command.tenantId()) ? command.tenantId() : null)
                        .messageId(command.messageId());
            }
            return handle(job);
        }
    }

    private CompletionStage<Void> handle(Job job) {
        ConsumerRecord<byte[], byte[]> r = job.record();
        if (job.command() == null) {
            log.warn("dead-lettering unreadable send command at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    job.unreadable());
            metrics.unreadable();
            return publish(new ProducerRecord<>(topics.sendDeadLetter().name(), null, r.key(), r.value(),
                    DeadLetter.headers(r.headers(), STAGE, job.unreadable(), r.topic(), r.partition(), r.offset(),
                            clock.instant())), job);
        }
        SendCommand command = job.command();
        SendResult result;
        try {
            result = handler.handle(command, job.cancellation()).orElse(null);
        } catch (RuntimeException e) {
            log.error("send of {} failed unexpectedly: {}", command.messageId(), e.toString(), e);
            result = new SendResult(command.messageId(), command.tenantId(), command.idempotencyKey(), command.to(),
                    SendResult.Outcome.FAILED, null, null, null, "internal_error", "unexpected error in the sender",
                    0, clock.instant());
        }
        if (result == null) {
            return CompletableFuture.completedFuture(null); // cancelled: the partition's next owner handles it
        }
        log.info("message {} of tenant {}: {}{}{}", result.messageId(), result.tenantId(), result.outcome().wireName(),
                result.endpointId() == null ? "" : " via " + result.endpointId(),
                result.errorCode() == null ? "" : " (" + result.errorCode() + ")");
        metrics.result(result);
        if (r.timestamp() >= 0) {
            metrics.sendLatency(result, Duration.between(Instant.ofEpochMilli(r.timestamp()), clock.instant()));
        }
        Topic<String, SendResult> out = topics.sendResults();
        return publish(new ProducerRecord<>(out.name(), null,
                out.keySerde().serializer().serialize(out.name(), command.partitionKey()),
                out.valueSerde().serializer().serialize(out.name(), result),
                Trace.set(new RecordHeaders(), LogContext.currentTrace())), job);
    }

    /**
     * Publishes until the broker acknowledges (then the job's record is finished) or the job is cancelled, retrying
     * with backoff. No thread waits for it. @return completes when it is acknowledged or given up
     */
    private CompletableFuture<Void> publish(ProducerRecord<byte[], byte[]> record, Job job) {
        Publication p = new Publication(record, job);
        p.attempt();
        return p.done;
    }

    /** One result (or dead letter) on its way to the broker. */
    private final class Publication {
        final ProducerRecord<byte[], byte[]> record;
        final Job job;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        Duration backoff = Duration.ofMillis(200);

        Publication(ProducerRecord<byte[], byte[]> record, Job job) {
            this.record = record;
            this.job = job;
        }

        void attempt() {
            if (job.cancellation().isCancelled()) {
                done.complete(null);
                return;
            }
            try {
                producer.send(record, (metadata, e) -> {
                    if (e == null) {
                        job.partition().finished(job.offset());
                        done.complete(null);
                    } else {
                        retryLater(e);
                    }
                });
            } catch (KafkaException e) {
                retryLater(e);
            }
        }

        /** Runs on the producer's thread or the caller's: it only schedules. */
        private void retryLater(Exception e) {
            log.warn("publishing to {} failed, retrying in {} ms: {}", record.topic(), backoff.toMillis(),
                    e.toString());
            Duration wait = backoff;
            backoff = backoff.multipliedBy(2).compareTo(MAX_PUBLISH_BACKOFF) > 0 ? MAX_PUBLISH_BACKOFF
                    : backoff.multipliedBy(2);
            try {
                ScheduledFuture<?> next = publishRetries.schedule(() -> {
                    job.cancellation().whenCancelled(null);
                    attempt();
                }, wait.toMillis(), TimeUnit.MILLISECONDS);
                // A partition given up (or a shutdown) does not wait for the next try: the next owner redoes it.
                job.cancellation().whenCancelled(() -> {
                    next.cancel(false);
                    done.complete(null);
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                done.complete(null);
            }
        }
    }

    /** What the sender currently knows; lets tests wait for the views instead of sleeping. */
    EndpointDirectory directory() {
        return directory;
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }

    EndpointGuards guards() {
        return guards;
    }

    SenderMetrics metrics() {
        return metrics;
    }

    /** What {@code /healthz} reports: started, and the polling loop still alive. */
    public boolean isRunning() {
        Thread t = loop;
        return running && t != null && t.isAlive();
    }

    @SuppressWarnings("unchecked")
    private static <V> JsonSerde<V> jsonSerde(Topic<String, V> topic) {
        return (JsonSerde<V>) topic.valueSerde();
    }

    private String clientId(String purpose) {
        return "whatsapp-sender-" + purpose + "-" + instance;
    }

    /** Stops taking commands, lets provider calls in flight finish and commits what finished, then stops. */
    @Override
    public void close() {
        running = false;
        if (loop != null) {
            try {
                loop.join(drainTimeout.plusSeconds(10).toMillis());
                if (loop.isAlive()) {
                    consumer.wakeup();
                    loop.join(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(LEAVE_GROUP);
        }
        dispatcher.close();
        consumerMetrics.close();
        producer.close(Duration.ofSeconds(5));
        publishRetries.shutdownNow();
        configurations.close();
        endpoints.close();
        health.close();
        devices.close();
        try {
            ownedResources.close();
        } catch (Exception e) {
            log.warn("closing the sender's Redis client failed: {}", e.toString());
        }
    }
}
