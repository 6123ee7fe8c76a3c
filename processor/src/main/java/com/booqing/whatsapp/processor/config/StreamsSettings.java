package com.booqing.whatsapp.processor.config;

import com.booqing.whatsapp.common.kafka.GroupMembership;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.processor.inbound.DeadLetterHandlers;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

import java.nio.file.Path;
import java.util.Properties;

/** The Streams configurations of the inbound and management topologies, shared by production and the topology tests. */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    public static Properties properties(ProcessorConfig config) {
        Properties p = properties(config.applicationId(), config.gateway().kafkaBootstrapServers(), config.stateDir(),
                config.streamThreads(), config.topics());
        membership(p, config.membership(), "inbound");
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) config.commitInterval().toMillis());
        return p;
    }

    /**
     * Static membership when the instance has a stable id (Streams appends each stream thread's index to it), and the
     * session timeout either way; applied to the main consumers, which are the group members.
     */
    static void membership(Properties p, GroupMembership membership, String application) {
        membership.consumerSettings(application)
                .forEach((key, value) -> p.put(StreamsConfig.mainConsumerPrefix(key), value));
    }

    static final int COMMIT_INTERVAL_MS = (int) ProcessorConfig.DEFAULT_COMMIT_INTERVAL.toMillis();

    public static Properties properties(String applicationId, String bootstrapServers, Path stateDir, int threads,
                                        Topics topics) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        // A webhook's events, its dedup entries and its consumed offset commit together or not at all.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Under exactly-once, events become visible to read_committed readers (the Redis projector) only when the
        // transaction commits; Streams' default of 100 ms would be most of the webhook-to-Redis latency budget.
        // PROCESSOR_COMMIT_INTERVAL_MS overrides it in production (properties(ProcessorConfig)).
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.webhooksDeadLetter().name());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Production.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return p;
    }

    public static Properties managementProperties(ProcessorConfig config) {
        Properties p = managementProperties(config.managementApplicationId(), config.gateway().kafkaBootstrapServers(),
                config.stateDir(), config.streamThreads());
        membership(p, config.membership(), "management");
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) config.commitInterval().toMillis());
        return p;
    }

    /**
     * The management application reads its inputs as bytes and answers every command itself, refusals included,
     * so nothing of it belongs on the webhooks' dead-letter topic. Only its own repartition topic is decoded by
     * Streams: a record there that cannot be read (a device event or seed) is logged and skipped rather than
     * stopping every tenant's commands; any other failure it does not handle stops the task (Streams' default).
     */
    public static Properties managementProperties(String applicationId, String bootstrapServers, Path stateDir,
                                                  int threads) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        // A tenant's new state, its records, its audit event and the command's outcome commit together.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // A REST write waits for its outcome, which is visible only after the commit.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return p;
    }
}
