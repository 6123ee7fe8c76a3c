package com.booqing.whatsapp.processor;

import com.booqing.whatsapp.common.kafka.TopicBootstrap;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.processor.config.ProcessorConfig;
import com.booqing.whatsapp.processor.config.StreamsSettings;
import com.booqing.whatsapp.processor.inbound.InboundSettings;
import com.booqing.whatsapp.processor.inbound.InboundTopology;
import com.booqing.whatsapp.processor.management.ManagementSettings;
import com.booqing.whatsapp.processor.management.ManagementTopology;
import com.booqing.whatsapp.processor.projection.ProjectionPlanner;
import com.booqing.whatsapp.processor.projection.ProjectionScript;
import com.booqing.whatsapp.processor.projection.RedisProjector;
import com.booqing.whatsapp.processor.projection.TenantRetries;
import com.booqing.whatsapp.processor.resource.EndpointView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;

import java.time.Duration;

/**
 * The processor service: the inbound Streams topology (raw webhooks -> canonical events, deduplicated, bad
 * records dead-lettered), the management topology (commands -> the single writer of each tenant's
 * configuration, endpoints, devices and API keys; its own Streams application) and the Redis projector (events,
 * sends, results, outcomes and state topics -> the read model).
 * Built from its configuration; {@link #start()} and {@link #close()} let tests run it in-process.
 */
public final class Processor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Processor.class);
    private static final CloseOptions LEAVE_GROUP = CloseOptions
            .groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30));

    private final ProcessorConfig config;
    private final MeterRegistry meters;
    private KafkaStreams streams;
    private KafkaStreams management;
    private KafkaStreamsMetrics streamsMetrics;
    private KafkaStreamsMetrics managementMetrics;
    private JedisPooled redis;
    private RedisProjector projector;
    private TenantRetries tenantRetries;

    public Processor(ProcessorConfig config, MeterRegistry meters) {
        this.config = config;
        this.meters = meters;
    }

    public synchronized Processor start() {
        String bootstrap = config.gateway().kafkaBootstrapServers();
        TopicBootstrap.ensure(bootstrap, config.topics());

        redis = RedisClients.pooled(config.gateway().redisUrl(), 8);
        RedisKeys keys = config.redisKeys();
        ProjectionPlanner planner = new ProjectionPlanner(config.topics(), keys, config.gateway().messageTtl(),
                EndpointView.of(config.secrets(), config.gateway()));
        tenantRetries = TenantRetries.start(bootstrap, config.topics(), config.projectorGroupId() + "-retries",
                config.gateway().defaultRetries());
        projector = RedisProjector.create(bootstrap, config.projectorGroupId(), planner, new ProjectionScript(redis),
                keys, meters, tenantRetries, config.membership().consumerSettings("projector")).start();

        streams = new KafkaStreams(InboundTopology.build(config.topics(), InboundSettings.defaults(meters)),
                StreamsSettings.properties(config));
        streams.setUncaughtExceptionHandler(e -> {
            // Bad records never get here (they are dead-lettered); this is the broker or the state store.
            log.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        streams.start();

        management = new KafkaStreams(ManagementTopology.build(config.topics(),
                ManagementSettings.of(config.gateway(), config.secrets(), meters)),
                StreamsSettings.managementProperties(config));
        management.setUncaughtExceptionHandler(e -> {
            // Commands are answered even when refused; this is the broker, the state store or a bug.
            log.error("management stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        managementMetrics = new KafkaStreamsMetrics(management);
        managementMetrics.bindTo(meters);
        management.start();
        log.info("processor started (applications {} and {}, projector group {})", config.applicationId(),
                config.managementApplicationId(), config.projectorGroupId());
        return this;
    }

    public KafkaStreams.State streamsState() {
        return streams == null ? KafkaStreams.State.NOT_RUNNING : streams.state();
    }

    public KafkaStreams.State managementState() {
        return management == null ? KafkaStreams.State.NOT_RUNNING : management.state();
    }

    public boolean projectorRunning() {
        return projector != null && projector.isRunning();
    }

    /** What {@code /healthz} reports: both Streams applications running (or rebalancing) and the projector alive. */
    public boolean isHealthy() {
        return streamsState().isRunningOrRebalancing() && managementState().isRunningOrRebalancing()
                && projectorRunning();
    }

    /**
     * Leaves both groups on the way out: Streams' default close keeps a dynamic member's partitions assigned until
     * its session times out (45 s), so a restarted or scaled-in processor would leave its tenants' webhooks
     * unprocessed that long. A crashed one still waits the session timeout; nothing can be done about that here.
     */
    @Override
    public synchronized void close() {
        if (streams != null) {
            streams.close(LEAVE_GROUP);
        }
        if (management != null) {
            management.close(LEAVE_GROUP);
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (managementMetrics != null) {
            managementMetrics.close();
        }
        if (projector != null) {
            projector.close();
        }
        if (tenantRetries != null) {
            tenantRetries.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
