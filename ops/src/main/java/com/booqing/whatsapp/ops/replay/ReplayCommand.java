package com.booqing.whatsapp.ops.replay;

import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.webhook.RawWebhook;
import com.booqing.whatsapp.ops.BadArgumentsException;
import com.booqing.whatsapp.ops.KafkaAccess;
import com.booqing.whatsapp.ops.OpsCommand;
import com.booqing.whatsapp.ops.OpsContext;
import com.booqing.whatsapp.ops.copy.CopyJob;
import com.booqing.whatsapp.ops.copy.CopyRunner;
import com.booqing.whatsapp.ops.copy.RangeOptions;
import com.booqing.whatsapp.ops.copy.RangeSpec;
import com.booqing.whatsapp.ops.copy.TenantOptions;
import com.booqing.whatsapp.ops.copy.Times;
import com.booqing.whatsapp.ops.copy.TopicNames;
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
 * {@code replay}: raw webhooks of a time or offset range written again to the raw-webhook topic, same key, bytes,
 * headers, timestamp and partition, plus {@code wa.replay}. The running processor handles them like any webhook:
 * events it has already emitted are dropped by its dedup store, and the projector's offset fencing keeps Redis as
 * it was, so replaying a range twice changes nothing the second time. Nothing is sent: raw webhooks never become
 * send commands.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replays raw webhooks (whatsapp.webhooks.raw) of one tenant or all, from a time range or "
                + "offsets, back through the running processor. Idempotent: events already processed are dropped "
                + "by the processor's dedup, so Redis is left as it was and nothing is re-sent."})
public final class ReplayCommand implements Callable<Integer> {
    /** Marks a copy; its value is the run id. An earlier replay's copies are skipped, so ranges are not doubled. */
    public static final String REPLAY_HEADER = RawWebhook.HEADER_PREFIX + "replay";

    @ParentCommand
    OpsCommand parent;

    @Mixin
    TenantOptions tenants;

    @Mixin
    RangeOptions range;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "whatsapp.webhooks.raw",
            description = "the topic to replay (only the raw-webhook topic can be; dead letters: use redrive)")
    String topic;

    @Option(names = "--dry-run", description = "read and count, write nothing; shows what would be replayed")
    boolean dryRun;

    @Option(names = "--force", description = "allow a range of more records than OPS_MAX_RECORDS")
    boolean force;

    @Option(names = "--no-wait", description = "do not wait for the processor to handle the replayed records")
    boolean noWait;

    @Option(names = "--wait-timeout", paramLabel = "DURATION", defaultValue = "2m",
            description = "how long to wait for the processor (default 2m)")
    String waitTimeout;

    @Override
    public Integer call() {
        OpsContext ctx = parent.context();
        Instant now = ctx.clock().instant();
        Set<String> chosen = tenants.chosen();
        Topic<?, ?> source = TopicNames.resolve(ctx.settings().topics(), ctx.settings().gateway().topicPrefix(), topic);
        String raw = ctx.settings().topics().webhooksRaw().name();
        if (!source.name().equals(raw)) {
            throw new BadArgumentsException("cannot replay " + source.name() + ": only " + raw + " is replayed "
                    + "(dead letters are redriven: whatsapp-ops redrive --topic ...)");
        }
        RangeSpec spec = range.spec(now, false);
        Duration wait = noWait ? null : Times.duration("--wait-timeout", waitTimeout);
        try (JedisPooled redis = RedisClients.pooled(ctx.settings().gateway().redisUrl(), 2)) {
            new Tenants(ctx.settings(), redis).requireExisting(chosen);
        }
        String runId = RunIds.next(now);
        CopyJob job = new CopyJob("replay", raw, raw, spec, chosen, dryRun, force, ctx.settings().processorGroup(), wait);
        try (Consumer<byte[], byte[]> consumer = KafkaAccess.reader(ctx.settings(), "replay")) {
            new CopyRunner(ctx).run(job, consumer, plan -> new ReplaySelector(plan, chosen, raw, runId));
        }
        return OpsCommand.OK;
    }
}
