package com.booqing.whatsapp.ops.redrive;

import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.ops.BadArgumentsException;
import com.booqing.whatsapp.ops.KafkaAccess;
import com.booqing.whatsapp.ops.OpsCommand;
import com.booqing.whatsapp.ops.OpsContext;
import com.booqing.whatsapp.ops.OpsSettings;
import com.booqing.whatsapp.ops.copy.CopyJob;
import com.booqing.whatsapp.ops.copy.CopyRunner;
import com.booqing.whatsapp.ops.copy.RangeOptions;
import com.booqing.whatsapp.ops.copy.RangeSpec;
import com.booqing.whatsapp.ops.copy.TenantOptions;
import com.booqing.whatsapp.ops.copy.Times;
import com.booqing.whatsapp.ops.copy.TopicNames;
import com.booqing.whatsapp.ops.replay.RunIds;
import com.booqing.whatsapp.ops.tenant.Tenants;
import org.apache.kafka.clients.consumer.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import redis.clients.jedis.JedisPooled;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code redrive}: dead letters written back to the topic they failed on, after the cause is fixed. A dead letter
 * carries its original key, bytes and headers plus {@code dlq.*} headers (reason, source topic, partition, offset);
 * the copy drops the {@code dlq.*} headers, gets {@code wa.redrive}, and goes to its source partition. Webhooks
 * go back through the processor, whose dedup drops events already emitted; send commands go back to the sender,
 * whose idempotency keys answer a command already completed with its first result instead of sending again.
 */
@Command(name = "redrive", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Redrives dead letters (whatsapp.webhooks.dlq or whatsapp.messages.dlq) to the topic they "
                + "failed on, after a fix. Default range: every retained dead letter."})
public final class RedriveCommand implements Callable<Integer> {

    @ParentCommand
    OpsCommand parent;

    @Option(names = "--topic", paramLabel = "TOPIC", required = true,
            description = "the dead-letter topic: whatsapp.webhooks.dlq or whatsapp.messages.dlq")
    String topic;

    @Mixin
    TenantOptions tenants;

    @Mixin
    RangeOptions range;

    @Option(names = "--reason", paramLabel = "TEXT",
            description = "only dead letters whose dlq.reason contains TEXT (case-insensitive)")
    String reason;

    @Option(names = "--dry-run", description = "read and count, write nothing; shows what would be redriven")
    boolean dryRun;

    @Option(names = "--force", description = "allow more records than OPS_MAX_RECORDS")
    boolean force;

    @Option(names = "--no-wait", description = "do not wait for the processor or sender to handle the records")
    boolean noWait;

    @Option(names = "--wait-timeout", paramLabel = "DURATION", defaultValue = "2m",
            description = "how long to wait for the consumer (default 2m)")
    String waitTimeout;

    /** A dead-letter topic, the topic its records came from, and who consumes that. */
    record Route(String deadLetters, String destination, String group) {
    }

    static Route route(OpsSettings settings, Topic<?, ?> chosen) {
        Topics t = settings.topics();
        if (chosen.name().equals(t.webhooksDeadLetter().name())) {
            return new Route(chosen.name(), t.webhooksRaw().name(), settings.processorGroup());
        }
        if (chosen.name().equals(t.sendDeadLetter().name())) {
            return new Route(chosen.name(), t.sendCommands().name(), settings.senderGroup());
        }
        throw new BadArgumentsException(chosen.name() + " is not a dead-letter topic; redrive reads "
                + t.webhooksDeadLetter().name() + " or " + t.sendDeadLetter().name());
    }

    @Override
    public Integer call() {
        OpsContext ctx = parent.context();
        Instant now = ctx.clock().instant();
        Route route = route(ctx.settings(),
                TopicNames.resolve(ctx.settings().topics(), ctx.settings().gateway().topicPrefix(), topic));
        Set<String> chosen = tenants.chosen();
        RangeSpec spec = range.spec(now, true);
        Duration wait = noWait ? null : Times.duration("--wait-timeout", waitTimeout);
        if (reason != null && reason.isBlank()) {
            throw new BadArgumentsException("--reason is empty");
        }
        try (JedisPooled redis = RedisClients.pooled(ctx.settings().gateway().redisUrl(), 2)) {
            new Tenants(ctx.settings(), redis).requireExisting(chosen);
        }
        String runId = RunIds.next(now);
        CopyJob job = new CopyJob("redrive", route.deadLetters(), route.destination(), spec, chosen, dryRun, force,
                route.group(), wait);
        try (Consumer<byte[], byte[]> consumer = KafkaAccess.reader(ctx.settings(), "redrive")) {
            int partitions = CopyRunner.partitionCount(consumer, route.destination());
            new CopyRunner(ctx).run(job, consumer,
                    plan -> new RedriveSelector(plan, chosen, reason, route.destination(), partitions, runId));
        }
        return OpsCommand.OK;
    }
}
