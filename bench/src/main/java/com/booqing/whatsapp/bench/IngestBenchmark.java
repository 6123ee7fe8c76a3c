package com.booqing.whatsapp.bench;

import ch.qos.logback.classic.Level;
import com.booqing.whatsapp.common.event.EventIds;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ingest benchmark of issue "Inbound": signed Cloud API webhooks over loopback to the ingress and, in the
 * same run, to a bare Javalin handler; prints accepted webhooks/s, the ratio to the bare handler, latency at
 * half the ingress's rate and webhook-to-Redis latency at a steady 1,000/s. A figure, not a test: see
 * bench/README.md for the command, the phases and measured results.
 */
public final class IngestBenchmark {
    static final String COMMAND = "mvn -q -Pbench -pl bench -am -DskipTests package && "
            + "java -cp \"bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*\" "
            + "com.booqing.whatsapp.bench.IngestBenchmark";
    static final String ACCESS_LOGGER = "com.booqing.whatsapp.ingress.access";
    static final double TARGET_RATIO = 0.35;
    static final double TARGET_HALF_RATE_P99_MS = 10;
    static final double TARGET_REDIS_P50_MS = 20;
    static final double TARGET_REDIS_P99_MS = 150;
    /**
     * The measured phase starts only once the warm-up's webhooks are all in Redis (or after this long): a backlog
     * left by the warm-up would otherwise be measured as the phase's latency.
     */
    private static final Duration PIPELINE_WARMUP_DRAIN = Duration.ofSeconds(60);
    private static final Duration WARMUP_SLICE = Duration.ofSeconds(3);
    private static final Duration WARMUP_BARE_SLICE = Duration.ofSeconds(2);
    private static final Duration WARMUP_INGRESS_SLICE = Duration.ofSeconds(3);
    /** Compiler threads below this many cores count as settled. */
    private static final double JIT_SETTLED = 0.10;

    private final BenchOptions options;
    private final Path servicesLog;
    private final long startedAt = System.nanoTime();

    private IngestBenchmark(BenchOptions options, Path servicesLog) {
        this.options = options;
        this.servicesLog = servicesLog;
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (BenchOptions.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println(e.getMessage());
            }
            System.err.println(BenchOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        Path log = configureLogging();
        int code;
        try {
            code = new IngestBenchmark(options, log).run();
        } catch (RuntimeException e) {
            System.err.println("bench: failed: " + e.getMessage());
            e.printStackTrace();
            code = 1;
        }
        // Kafka and Jetty leave non-daemon threads behind only if a close failed; do not hang on them.
        System.exit(code);
    }

    /** Before any logger exists: the services log JSON to a file, the console keeps the figures. */
    private static Path configureLogging() {
        Path file;
        String given = System.getProperty("bench.log.file");
        if (given != null) {
            file = Path.of(given);
        } else {
            try {
                file = Files.createTempFile("whatsapp-bench-services-", ".log");
            } catch (IOException e) {
                file = Path.of("bench-services.log");
            }
            System.setProperty("bench.log.file", file.toString());
        }
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "bench-logback.xml");
        }
        return file;
    }

    private int run() {
        String loadAtStart = MachineInfo.loadAverage();
        print("Ingest benchmark (issue \"Inbound\")");
        print("machine: " + MachineInfo.describe());
        print("load average at start (1/5/15 min): " + loadAtStart);
        print("services log (JSON, access log included): " + servicesLog);
        Report report = new Report(options, MachineInfo.describe(), loadAtStart);

        try (BenchStack stack = BenchStack.start(this::progress)) {
            Thread hook = new Thread(stack::close, "bench-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                measure(stack, report);
            } finally {
                progress("stopping the services ...");
                stack.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook closes the stack anyway
                }
            }
            report.redisDescription = stack.redis().describe();
            report.brokerDescription = stack.brokerDescription();
        }
        report.loadAtEnd = MachineInfo.loadAverage();
        report.elapsedSeconds = (System.nanoTime() - startedAt) / 1e9;
        System.out.println();
        System.out.println(report.render());
        return 0;
    }

    /** A closed-loop round: wrk's or the Java generator's. */
    @FunctionalInterface
    private interface ClosedLoop {
        PhaseResult run(String label, Target target, int connections, Duration window);
    }

    private ClosedLoop closedLoop(LoadGenerator generator, CpuSampler cpu, Report report) {
        Optional<WrkLoad> wrk = options.driver().equals("java") ? Optional.empty()
                : WrkLoad.find(cpu, options.wrkThreads());
        if (wrk.isEmpty() && options.driver().equals("wrk")) {
            throw new IllegalStateException("--driver=wrk but wrk is not on the PATH (Debian: apt-get install wrk)");
        }
        if (wrk.isPresent()) {
            report.driver = "wrk: " + wrk.get().describe() + ", a separate process rotating the same pre-built"
                    + " requests (Lua)";
            progress("closed-loop rounds by " + report.driver);
            return wrk.get()::closedLoop;
        }
        report.driver = "the Java raw-socket generator in this JVM" + (options.driver().equals("auto")
                ? " (wrk is not on the PATH)" : "");
        progress("closed-loop rounds by " + report.driver);
        return generator::closedLoop;
    }

    private void measure(BenchStack stack, Report report) {
        CpuSampler cpu = new CpuSampler(stack.brokerPid());
        LoadGenerator generator = new LoadGenerator(cpu);
        ClosedLoop closed = closedLoop(generator, cpu, report);
        SignedWebhooks signer = new SignedWebhooks(stack.appSecret, BenchStack.PHONE_NUMBER_ID, stack.runId);
        List<SignedWebhooks.Webhook> rotating = signer.next(options.bodies());
        String path = stack.webhookPath();
        Target bare = target("bare Javalin", stack.barePort(), path, rotating);
        Target ingress = target("ingress", stack.ingestPort(), path, rotating);
        probe(bare, rotating.get(0));
        probe(ingress, rotating.get(0));
        progress("signed " + rotating.size() + " distinct webhooks (" + rotating.get(0).body().length
                + " bytes each, X-Hub-Signature-256); both servers answer 200");

        if (options.phases().equals("pipeline")) {
            webhookToRedis(generator, stack, signer, report);
            return;
        }
        warmUp(closed, bare, ingress, report);
        maxThroughput(closed, bare, ingress, report);
        if (options.accessLogDiagnostic()) {
            withoutAccessLog(closed, ingress, report);
        }
        if (options.handlerDiagnostic()) {
            referenceHandlers(closed, stack, path, rotating, report);
        }
        halfRateLatency(generator, ingress, report);
        webhookToRedis(generator, stack, signer, report);
    }

    /** Rounds of the same length in turn, bare first and last: B I B I ... B; medians are reported. */
    private void maxThroughput(ClosedLoop generator, Target bare, Target ingress, Report report) {
        int conns = options.connections();
        for (int r = 1; r <= options.rounds(); r++) {
            report.bareRounds.add(phase(generator.run("round " + r + " bare", bare, conns, options.round())));
            report.ingressRounds.add(phase(generator.run("round " + r + " ingress", ingress, conns,
                    options.round())));
        }
        report.bareRounds.add(phase(generator.run("final bare", bare, conns, options.round())));
    }

    /** One more ingress round with its access log switched off: what one log line per request costs. */
    private void withoutAccessLog(ClosedLoop generator, Target ingress, Report report) {
        ch.qos.logback.classic.Logger access = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ACCESS_LOGGER);
        Level before = access.getLevel();
        access.setLevel(Level.OFF);
        try {
            report.ingressNoAccessLog = phase(generator.run("diagnostic: ingress, access log off",
                    ingress, options.connections(), options.round()));
        } finally {
            access.setLevel(before);
        }
    }

    /** Open loop at half the measured ingress rate, latency from each request's scheduled time. */
    private void halfRateLatency(LoadGenerator generator, Target ingress, Report report) {
        double halfRate = Math.max(1, report.ingressMedian() / 2);
        report.halfRate = halfRate;
        if (!options.latencyWarmup().isZero()) {
            phase(generator.openLoop(String.format("open loop at %,.0f/s, warm-up", halfRate), ingress,
                    options.latencyConnections(), halfRate, options.latencyWarmup(), null));
        }
        report.halfRateResult = phase(generator.openLoop(String.format("open loop at %,.0f/s (half)", halfRate),
                ingress, options.latencyConnections(), halfRate, options.latency(), null));
    }

    /** Distinct webhooks (the processor de-duplicates repeats) through the pipeline; a short unmeasured warm-up. */
    private void webhookToRedis(LoadGenerator generator, BenchStack stack, SignedWebhooks signer, Report report) {
        int warmCount = (int) Math.ceil(options.redisRate() * (double) options.redisWarmup().toSeconds());
        RedisArrival.Result warm = redisPhase(generator, stack, signer, warmCount, options.redisWarmup(),
                PIPELINE_WARMUP_DRAIN);
        progress(String.format("pipeline warm-up: %d of %d webhooks reached Redis, p50 %.1f ms%s",
                warm.seen(), warm.accepted(), warm.toRedis().percentileMillis(0.5), warm.missing() > 0
                        ? " (not drained after " + PIPELINE_WARMUP_DRAIN.toSeconds() + " s: the phase starts with a backlog)"
                        : ""));
        int count = (int) Math.ceil(options.redisRate() * (double) options.redis().toSeconds());
        if (options.hops()) {
            try (HopProbe probe = HopProbe.start(stack.bootstrapServers(), stack.pipelineTopics().webhooksRaw().name(),
                    stack.pipelineTopics().events().name())) {
                report.redis = redisPhase(generator, stack, signer, count, options.redis(), options.redisDrain());
                report.hops = probe.stop();
            }
        } else {
            report.redis = redisPhase(generator, stack, signer, count, options.redis(), options.redisDrain());
        }
        RedisArrival.Result r = report.redis;
        HopProbe.Hops h = report.hops;
        if (h != null) {
            progress(String.format("hops after the ingress's send, p50 / p99 ms: raw %.1f / %.1f, events written"
                            + " %.1f / %.1f, events committed %.1f / %.1f (%d, %d, %d records)",
                    h.raw().percentileMillis(0.5), h.raw().percentileMillis(0.99),
                    h.eventsWritten().percentileMillis(0.5), h.eventsWritten().percentileMillis(0.99),
                    h.eventsCommitted().percentileMillis(0.5), h.eventsCommitted().percentileMillis(0.99),
                    h.raw().count(), h.eventsWritten().count(), h.eventsCommitted().count()));
        }
        progress(String.format("webhook-to-Redis at %,d/s: %d accepted, %d seen in Redis, p50 %.1f ms, p99 %.1f ms,"
                        + " max %.1f ms | %s", options.redisRate(), r.accepted(), r.seen(),
                r.toRedis().percentileMillis(0.5), r.toRedis().percentileMillis(0.99), r.toRedis().maxMillis(),
                r.http().cpu().describe()));
        report.streamsLag = ConsumerLag.of(stack.bootstrapServers(), stack.streamsGroup(),
                stack.pipelineTopics().webhooksRaw().name());
        report.projectorLag = ConsumerLag.of(stack.bootstrapServers(), stack.projectorGroup(),
                stack.pipelineTopics().events().name());
        progress("backlog after the drain: Streams " + report.streamsLag + " records behind on webhooks-raw, projector "
                + report.projectorLag + " behind on events");
        if (stack.redis().started()) {
            // Only a Redis of our own: a shared one's counters include everybody's commands.
            report.redisScript = RedisCommandStats.describe(stack.redis().uri(), "evalsha");
            progress("projector's script: " + report.redisScript);
        }
    }

    /** Blocking and asynchronous Kafka-only handlers, a warm-up slice each, then rounds in turn. */
    private void referenceHandlers(ClosedLoop generator, BenchStack stack, String path,
                                   List<SignedWebhooks.Webhook> rotating, Report report) {
        try (ReferenceHandlers handlers = new ReferenceHandlers(stack.bootstrapServers(),
                stack.ingestTopics().webhooksRaw().name())) {
            Target blocking = target("Kafka-only, blocking", handlers.blockingPort(), path, rotating);
            Target async = target("Kafka-only, async", handlers.asyncPort(), path, rotating);
            int conns = options.connections();
            phase(generator.run("warm-up Kafka-only blocking", blocking, conns, WARMUP_SLICE));
            phase(generator.run("warm-up Kafka-only async", async, conns, WARMUP_SLICE));
            for (int r = 1; r <= options.rounds(); r++) {
                report.blockingRounds.add(phase(generator.run("round " + r + " Kafka-only blocking", blocking,
                        conns, options.round())));
                report.asyncRounds.add(phase(generator.run("round " + r + " Kafka-only async", async,
                        conns, options.round())));
            }
        }
    }

    /**
     * Bare and ingress slices in turn until the JIT has settled (compiler threads below {@link #JIT_SETTLED}
     * cores in the last two ingress slices), at most {@code --warmup-seconds}. This JVM holds Kafka, Streams,
     * Jetty and Jackson code: on two busy cores C2 can take minutes to catch up, and rounds measured while it
     * compiles understate both servers, the ingress (more code) more than the bare handler.
     */
    private void warmUp(ClosedLoop generator, Target bare, Target ingress, Report report) {
        if (options.warmup().isZero()) {
            report.warmup = "none (--warmup-seconds=0)";
            return;
        }
        long started = System.nanoTime();
        long deadline = started + options.warmup().toNanos();
        double previousJit = Double.MAX_VALUE;
        for (int slice = 1; ; slice++) {
            phase(generator.run("warm-up " + slice + " bare", bare, options.connections(), WARMUP_BARE_SLICE));
            PhaseResult i = phase(generator.run("warm-up " + slice + " ingress", ingress,
                    options.connections(), WARMUP_INGRESS_SLICE));
            double jit = i.cpu().role(CpuSampler.Role.JIT);
            double elapsed = (System.nanoTime() - started) / 1e9;
            if (jit < JIT_SETTLED && previousJit < JIT_SETTLED) {
                report.warmup = String.format("%.0f s, until the JIT settled (compilers %.2f cores)", elapsed, jit);
                progress("warm: " + report.warmup);
                return;
            }
            previousJit = jit;
            if (System.nanoTime() + WARMUP_BARE_SLICE.plus(WARMUP_INGRESS_SLICE).toNanos() > deadline) {
                report.warmup = String.format("%.0f s, cap reached with the JIT compilers still at %.2f cores:"
                        + " the rounds include compilation (on a busy machine try --warmup-seconds=150)", elapsed, jit);
                progress("warm-up: " + report.warmup);
                return;
            }
        }
    }

    private RedisArrival.Result redisPhase(LoadGenerator generator, BenchStack stack, SignedWebhooks signer,
                                           int count, Duration window, Duration drain) {
        List<SignedWebhooks.Webhook> distinct = signer.next(count);
        List<String> keys = new ArrayList<>(count);
        for (SignedWebhooks.Webhook w : distinct) {
            keys.add(stack.keys.message(EventIds.inboundMessageId(stack.tenantId, w.wamid())));
        }
        Target t = target("pipeline ingress", stack.pipelinePort(), stack.webhookPath(), distinct);
        // As many connections as the latency phase: a blocking ingress holds one per request in flight.
        return RedisArrival.run(generator, t, keys, stack.redis().uri(), options.latencyConnections(),
                options.redisRate(), window, drain);
    }

    private PhaseResult phase(PhaseResult r) {
        Latencies l = r.latencies();
        progress(String.format("%-30s %,8.0f/s  p50 %6.2f  p99 %7.2f ms  %4.0f us/req%s%s | cores: %s",
                r.label(), r.okPerSecond(), l.percentileMillis(0.5), l.percentileMillis(0.99),
                r.serverMicrosPerRequest(),
                r.non2xx() + r.ioErrors() > 0 ? "  non-2xx " + r.non2xx() + " io " + r.ioErrors() : "",
                r.unsent() > 0 ? "  unsent " + r.unsent() : "", r.cpu().describe()));
        return r;
    }

    private static Target target(String name, int port, String path, List<SignedWebhooks.Webhook> webhooks) {
        byte[][] requests = new byte[webhooks.size()][];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = SignedWebhooks.request("127.0.0.1", port, path, webhooks.get(i));
        }
        return new Target(name, "127.0.0.1", port, requests);
    }

    /** One request with the JDK client, so that a refusal shows its body (the load generator discards bodies). */
    private static void probe(Target target, SignedWebhooks.Webhook webhook) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String path = new String(target.requests()[0], StandardCharsets.US_ASCII).split(" ")[1];
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header(SignedWebhooks.SIGNATURE_HEADER, webhook.signature())
                .POST(HttpRequest.BodyPublishers.ofByteArray(webhook.body()))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(target.name() + " answered " + response.statusCode() + ": "
                        + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException(target.name() + " does not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void progress(String line) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - startedAt) / 1e9, line);
        System.out.flush();
    }

    private static void print(String line) {
        System.out.println(line);
    }
}
