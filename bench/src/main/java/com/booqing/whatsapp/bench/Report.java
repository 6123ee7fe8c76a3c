package com.booqing.whatsapp.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** The results table printed at the end of a run. */
final class Report {
    private final BenchOptions options;
    private final String machine;
    private final String loadAtStart;
    final List<PhaseResult> bareRounds = new ArrayList<>();
    final List<PhaseResult> ingressRounds = new ArrayList<>();
    PhaseResult ingressNoAccessLog;
    double halfRate;
    PhaseResult halfRateResult;
    RedisArrival.Result redis;
    HopProbe.Hops hops;
    String driver = "?";
    String warmup = "?";
    final List<PhaseResult> blockingRounds = new ArrayList<>();
    final List<PhaseResult> asyncRounds = new ArrayList<>();
    long streamsLag = -1;
    long projectorLag = -1;
    String redisScript;
    String redisDescription = "?";
    String brokerDescription = "?";
    String loadAtEnd = "?";
    double elapsedSeconds;

    Report(BenchOptions options, String machine, String loadAtStart) {
        this.options = options;
        this.machine = machine;
        this.loadAtStart = loadAtStart;
    }

    double bareMedian() {
        return Stats.median(rates(bareRounds));
    }

    double ingressMedian() {
        return Stats.median(rates(ingressRounds));
    }

    String render() {
        StringBuilder b = new StringBuilder();
        String rule = "=".repeat(110);
        b.append(rule).append('\n');
        if (bareRounds.isEmpty()) {
            b.append("INGEST BENCHMARK (issue \"Inbound\"): the pipeline phase only (--phases=pipeline)\n");
        } else {
            b.append(String.format("INGEST BENCHMARK (issue \"Inbound\"): medians of %d bare and %d ingress rounds of"
                            + " %d s, %d keep-alive connections, closed loop%n", bareRounds.size(), ingressRounds.size(),
                    options.round().toSeconds(), options.connections()));
        }
        row(b, "machine", machine);
        row(b, "load average", "start " + loadAtStart + ", end " + loadAtEnd
                + " (1/5/15 min; the machine may be shared: see 'other procs' in the CPU lines above)");
        row(b, "Kafka", brokerDescription);
        row(b, "Redis", redisDescription);
        row(b, "in this JVM", "load generator, bare Javalin, ingest-only ingress, pipeline ingress + processor");
        row(b, "rounds by", driver);
        row(b, "warm-up", warmup);
        b.append("-".repeat(110)).append('\n');
        b.append(String.format("%-44s %-34s %-22s %s%n", "", "measured", "target", "verdict"));

        if (!bareRounds.isEmpty()) {
            double bare = bareMedian();
            double ingress = ingressMedian();
            double ratio = ingress / bare;
            line(b, "bare Javalin, 200 with nothing behind it", String.format("%,.0f req/s", bare),
                    "(ceiling here ~79,000)", "");
            line(b, "ingress, accepted signed webhooks", String.format("%,.0f webhooks/s", ingress),
                    "(~25,000 at 0.35)", "");
            line(b, "  per round: bare", list(bareRounds), "", "");
            line(b, "  per round: ingress", list(ingressRounds), "", "");
            line(b, "ratio ingress / bare", String.format("%.3f", ratio), String.format(">= %.2f", IngestBenchmark.TARGET_RATIO),
                    verdict(ratio >= IngestBenchmark.TARGET_RATIO));
            double bareCost = Stats.median(costs(bareRounds));
            double ingressCost = Stats.median(costs(ingressRounds));
            line(b, "server CPU per request: bare / ingress", String.format("%.0f us / %.0f us", bareCost, ingressCost),
                    "", "");
            line(b, "  cost ratio (bare us / ingress us)", String.format("%.3f", bareCost / ingressCost),
                    "(load-independent)", "");
        }
        if (halfRateResult != null) {
            Latencies l = halfRateResult.latencies();
            double p99 = l.percentileMillis(0.99);
            line(b, String.format("ingress latency, open loop at %,.0f/s", halfRate),
                    String.format("p50 %.2f ms, p99 %.2f ms", l.percentileMillis(0.5), p99),
                    String.format("p99 <= %.0f ms", IngestBenchmark.TARGET_HALF_RATE_P99_MS),
                    verdict(p99 <= IngestBenchmark.TARGET_HALF_RATE_P99_MS && halfRateResult.unsent() == 0));
            line(b, "  (max; achieved rate)", String.format("max %.1f ms; %,.0f/s over %d conns",
                    l.maxMillis(), halfRateResult.okPerSecond(), options.latencyConnections()), "", "");
        }
        if (redis != null) {
            Latencies l = redis.toRedis();
            double p50 = l.percentileMillis(0.5);
            double p99 = l.percentileMillis(0.99);
            line(b, String.format("webhook-to-Redis at %,d/s for %d s", options.redisRate(), options.redis().toSeconds()),
                    String.format("p50 %.1f ms, p99 %.1f ms", p50, p99),
                    String.format("p50 <= %.0f, p99 <= %.0f ms", IngestBenchmark.TARGET_REDIS_P50_MS,
                            IngestBenchmark.TARGET_REDIS_P99_MS),
                    "p50 " + verdict(p50 <= IngestBenchmark.TARGET_REDIS_P50_MS) + ", p99 "
                            + verdict(p99 <= IngestBenchmark.TARGET_REDIS_P99_MS && redis.missing() == 0));
            line(b, "  reached Redis", String.format("%,d of %,d accepted (max %.1f ms)", redis.seen(),
                    redis.accepted(), l.maxMillis()), "all", verdict(redis.missing() == 0));
            if (hops != null) {
                line(b, "  hop: on the raw topic (p50 / p99)", hop(hops.raw()), "", "");
                line(b, "  hop: event written by Streams", hop(hops.eventsWritten()), "", "");
                line(b, "  hop: event committed (projector sees it)", hop(hops.eventsCommitted()), "", "");
            }
            line(b, "  backlog after the drain", String.format("Streams %s, projector %s records", lag(streamsLag),
                    lag(projectorLag)), "", "");
            if (redisScript != null) {
                line(b, "  projector's Lua script (whole run)", redisScript, "", "");
            }
            Latencies http = redis.http().latencies();
            line(b, "  HTTP answer in that phase", String.format("p50 %.2f ms, p99 %.2f ms",
                    http.percentileMillis(0.5), http.percentileMillis(0.99)), "", "");
        }
        if (ingressNoAccessLog != null) {
            line(b, "diagnostic: ingress with access log off", String.format("%,.0f webhooks/s (ratio %.3f)",
                    ingressNoAccessLog.okPerSecond(), ingressNoAccessLog.okPerSecond() / bareMedian()), "", "");
        }
        if (!blockingRounds.isEmpty()) {
            double blocking = Stats.median(rates(blockingRounds));
            double async = Stats.median(rates(asyncRounds));
            line(b, "diagnostic: Kafka-only handler, blocking", String.format("%,.0f/s (ratio %.3f, %.0f us/req)",
                    blocking, blocking / bareMedian(), Stats.median(costs(blockingRounds))), "", "");
            line(b, "diagnostic: Kafka-only handler, async", String.format("%,.0f/s (ratio %.3f, %.0f us/req)",
                    async, async / bareMedian(), Stats.median(costs(asyncRounds))), "", "");
        }
        line(b, "errors: non-2xx / I/O / unsent", errors(), "0 / 0 / 0", verdict(errorsTotal() == 0));
        PhaseResult median = medianRound(ingressRounds);
        if (median != null) {
            line(b, "CPU cores, median ingress round", median.cpu().describe(), "", "");
        }
        PhaseResult medianBare = medianRound(bareRounds);
        if (medianBare != null) {
            line(b, "CPU cores, median bare round", medianBare.cpu().describe(), "", "");
        }
        b.append("-".repeat(110)).append('\n');
        row(b, "command", IngestBenchmark.COMMAND);
        row(b, "flags", options.describe());
        row(b, "elapsed", String.format("%.0f s", elapsedSeconds));
        b.append(rule);
        return b.toString();
    }

    private String errors() {
        long non2xx = 0, io = 0, unsent = 0;
        for (PhaseResult r : all()) {
            non2xx += r.non2xx();
            io += r.ioErrors();
            unsent += r.unsent();
        }
        return non2xx + " / " + io + " / " + unsent;
    }

    private long errorsTotal() {
        long n = 0;
        for (PhaseResult r : all()) {
            n += r.non2xx() + r.ioErrors() + r.unsent();
        }
        return n;
    }

    private List<PhaseResult> all() {
        List<PhaseResult> all = new ArrayList<>(bareRounds);
        all.addAll(ingressRounds);
        if (ingressNoAccessLog != null) {
            all.add(ingressNoAccessLog);
        }
        all.addAll(blockingRounds);
        all.addAll(asyncRounds);
        if (halfRateResult != null) {
            all.add(halfRateResult);
        }
        if (redis != null) {
            all.add(redis.http());
        }
        return all;
    }

    private static PhaseResult medianRound(List<PhaseResult> rounds) {
        if (rounds.isEmpty()) {
            return null;
        }
        List<PhaseResult> sorted = new ArrayList<>(rounds);
        sorted.sort(Comparator.comparingDouble(PhaseResult::okPerSecond));
        return sorted.get(sorted.size() / 2);
    }

    private static List<Double> rates(List<PhaseResult> rounds) {
        return rounds.stream().map(PhaseResult::okPerSecond).collect(Collectors.toList());
    }

    private static List<Double> costs(List<PhaseResult> rounds) {
        return rounds.stream().map(PhaseResult::serverMicrosPerRequest).collect(Collectors.toList());
    }

    private static String list(List<PhaseResult> rounds) {
        return rounds.stream().map(r -> String.format("%,.0f", r.okPerSecond())).collect(Collectors.joining(" "));
    }

    /** Milliseconds after the ingress's send (the record timestamp), as the hop probe saw them. */
    private static String hop(Latencies l) {
        return l.count() == 0 ? "none seen" : String.format("%.0f / %.0f ms (%,d records)", l.percentileMillis(0.5),
                l.percentileMillis(0.99), l.count());
    }

    private static String lag(long records) {
        return records < 0 ? "?" : String.format("%,d", records);
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append(String.format("%-14s %s%n", name, value));
    }

    private static void line(StringBuilder b, String name, String measured, String target, String verdict) {
        b.append(String.format("%-44s %-34s %-22s %s%n", name, measured, target, verdict));
    }
}
