package com.booqing.whatsapp.ops.copy;

import com.booqing.whatsapp.ops.BadArgumentsException;
import com.booqing.whatsapp.ops.KafkaAccess;
import com.booqing.whatsapp.ops.OpsContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What replay and redrive share once their arguments are checked: resolve the range, refuse it when it is larger
 * than OPS_MAX_RECORDS without --force, copy (or count, in a dry run) with progress, wait for the consumer that
 * handles the copies, print the summary.
 */
public final class CopyRunner {
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

    private final OpsContext ctx;

    public CopyRunner(OpsContext ctx) {
        this.ctx = ctx;
    }

    /**
     * @param selector decides per record; built by the caller once the destination's partitions are known
     */
    public CopyStats run(CopyJob job, Consumer<byte[], byte[]> consumer, Function<CopyPlan, Selection.Selector> selector) {
        PrintWriter out = ctx.out();
        RangeResolver resolver = new RangeResolver(consumer, KafkaAccess.API_TIMEOUT);
        CopyPlan plan = resolver.resolve(job.source(), job.range());
        long max = ctx.settings().maxRecords();
        if (plan.total() > max && !job.force()) {
            throw new BadArgumentsException(String.format(Locale.ROOT, "the range holds %,d records of %s, more than "
                    + "the cap of %,d (OPS_MAX_RECORDS); narrow it, or add --force to %s them all", plan.total(),
                    job.source(), max, job.verb()));
        }
        out.printf(Locale.ROOT, "%s%s: %s, %s %s (up to %,d records)%n", job.verb(), job.dryRun() ? " (dry run)" : "",
                job.tenantsText(), job.source(), plan.describeRanges(), plan.total());
        if (plan.from() != null) {
            out.printf("  records timed from %s to %s%n", plan.from(), plan.to() == null ? "now" : plan.to());
        }
        plan.notes().forEach(n -> out.println("  note: " + n));
        out.flush();

        Progress progress = new Progress(job.verb(), plan.total(), ctx.err(), ctx.nanoTime(),
                ctx.settings().progressInterval());
        CopyStats stats;
        Selection.Selector decide = selector.apply(plan);
        Function<ConsumerRecord<byte[], byte[]>, String> tenantOf = RecordTenants::of;
        if (job.dryRun()) {
            stats = new RecordCopier(consumer, null, progress, ctx.nanoTime(), STALL_TIMEOUT).copy(plan, decide, tenantOf);
        } else {
            try (Producer<byte[], byte[]> producer = KafkaAccess.writer(ctx.settings(), job.verb())) {
                stats = new RecordCopier(consumer, producer, progress, ctx.nanoTime(), STALL_TIMEOUT)
                        .copy(plan, decide, tenantOf);
            }
        }
        printSummary(job, stats);
        if (!job.dryRun() && job.waitTimeout() != null && stats.copiedCount() > 0) {
            Progress waiting = new Progress(job.verb(), 0, ctx.err(), ctx.nanoTime(),
                    ctx.settings().progressInterval());
            try (Admin admin = KafkaAccess.admin(ctx.settings())) {
                new ProcessingWait(admin, ctx.nanoTime(), Duration.ofMillis(250))
                        .await(job.group(), job.destination(), stats.lastWrittenOffsets(), job.waitTimeout(), waiting);
            }
            out.printf("  handled by %s (waited %s)%n", job.group(), Times.human(waiting.elapsed()));
        }
        out.flush();
        return stats;
    }

    private void printSummary(CopyJob job, CopyStats stats) {
        String perTenant = stats.copiedByTenant().isEmpty() ? "" : " (" + stats.copiedByTenant().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")";
        String past = job.verb().equals("redrive") ? "redriven" : job.verb() + "ed";
        if (job.dryRun()) {
            ctx.out().printf(Locale.ROOT, "dry run, nothing written: would %s %,d of %,d records read to %s%s; %s%n",
                    job.verb(), stats.copiedCount(), stats.scannedCount(), job.destination(), perTenant,
                    stats.describeSkipped());
        } else {
            ctx.out().printf(Locale.ROOT, "%s done in %s: read %,d, %s %,d to %s%s; %s%n", job.verb(),
                    Times.human(stats.elapsed()), stats.scannedCount(), past, stats.copiedCount(), job.destination(),
                    perTenant, stats.describeSkipped());
        }
        ctx.out().flush();
    }

    /** Partition count of a topic, to keep a copy on its source's partition number when the destination has it. */
    public static int partitionCount(Consumer<byte[], byte[]> consumer, String topic) {
        return new RangeResolver(consumer, KafkaAccess.API_TIMEOUT).partitions(topic).size();
    }
}
