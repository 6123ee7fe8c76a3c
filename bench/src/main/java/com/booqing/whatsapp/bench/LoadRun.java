package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.kafka.Topics;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The load run and soak of issue 9 ("Load"): every service on this machine (ingress, processor with its Redis
 * projector, sender, health monitor; the simulator as the tenants' Cloud API servers), 500 signed webhooks/s and
 * 100 sends/s through {@code POST /api/whatsapp/messages/{tenantId}}, both open loop at fixed rates, for
 * {@code --seconds}; then: non-2xx answers, ingress latency p50/p99 of each stream, every accepted request's trace
 * in Redis, one sender result per send, and the consumer lag of the processor, the projector and the sender
 * sampled every second after the load until all are 0. With {@code --soak-minutes=N} the same load runs N minutes
 * and heap after a full GC, live threads and open file descriptors are sampled every {@code --sample-seconds}.
 * A figure, not a test: see bench/README.md.
 */
public final class LoadRun {
    static final String COMMAND = "mvn -q -Pbench -pl bench -am -DskipTests package && "
            + "java -cp \"bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*\" "
            + "com.booqing.whatsapp.bench.LoadRun";
    static final double TARGET_P99_MS = 250;
    static final double TARGET_DRAIN_SECONDS = 10;
    private static final String USAGE = String.join("\n",
            "LoadRun [--name=value ...]",
            "  --seconds=120             measured load (after the warm-up); ignored with --soak-minutes",
            "  --warmup-seconds=10       the same load first, its latencies reported apart",
            "  --webhook-rate=500        signed Cloud API webhooks/s to the ingress (open loop)",
            "  --send-rate=100           POST /api/whatsapp/messages/{tenant} per second (open loop)",
            "  --tenants=5               tenants, each with one Cloud API endpoint on the simulator",
            "  --status-percent=20       share of the webhooks that are delivered statuses (the rest: text messages)",
            "  --webhook-connections=64  keep-alive connections of the webhook stream",
            "  --send-connections=32     keep-alive connections of the send stream",
            "  --drain-seconds=60        most time to wait for the consumer lags to reach 0 after the load",
            "  --verify-seconds=15       most time to wait for missing traces in Redis and missing results",
            "  --progress-seconds=10     a progress line (answers, lags) this often during the load",
            "  --soak-minutes=0          > 0: a soak of that many minutes instead of --seconds",
            "  --sample-seconds=30       soak: heap after full GC, threads, fds this often",
            "Environment: REDIS_URL (used when it answers PING, else a Redis is started); SENDER_*, INGRESS_*,",
            "PROCESSOR_*, HEALTH_*, WHATSAPP_DEFAULT_* are passed to the services (defaults otherwise).");

    private final Map<String, Integer> flags;
    private final long startedAt = System.nanoTime();
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private LoadStack stack;
    private LoadTraffic traffic;
    private CpuSampler cpu;
    private LagWatch lags;
    private final SoakSampler soak = new SoakSampler();

    private LoadRun(Map<String, Integer> flags) {
        this.flags = flags;
    }

    public static void main(String[] args) {
        Map<String, Integer> flags = new LinkedHashMap<>();
        flags.put("seconds", 120);
        flags.put("warmup-seconds", 10);
        flags.put("webhook-rate", 500);
        flags.put("send-rate", 100);
        flags.put("tenants", 5);
        flags.put("status-percent", 20);
        flags.put("webhook-connections", 64);
        flags.put("send-connections", 32);
        flags.put("drain-seconds", 60);
        flags.put("verify-seconds", 15);
        flags.put("progress-seconds", 10);
        flags.put("soak-minutes", 0);
        flags.put("sample-seconds", 30);
        for (String a : args) {
            int eq = a.indexOf('=');
            String name = a.startsWith("--") && eq > 2 ? a.substring(2, eq) : null;
            if (name == null || !flags.containsKey(name)) {
                System.err.println(a.equals("--help") ? USAGE : "unknown flag: " + a + "\n" + USAGE);
                System.exit(a.equals("--help") ? 0 : 2);
            }
            int v;
            try {
                v = Integer.parseInt(a.substring(eq + 1));
            } catch (NumberFormatException e) {
                v = -1;
            }
            int min = name.equals("soak-minutes") || name.equals("warmup-seconds")
                    || name.equals("status-percent") ? 0 : 1;
            int max = name.equals("status-percent") ? 100 : name.equals("soak-minutes") ? 24 * 60 : 100_000;
            if (v < min || v > max) {
                System.err.println("--" + name + " must be " + min + ".." + max);
                System.exit(2);
            }
            flags.put(name, v);
        }
        configureLogging();
        int code;
        try {
            code = new LoadRun(flags).run();
        } catch (RuntimeException e) {
            System.err.println("bench: failed: " + e.getMessage());
            e.printStackTrace();
            code = 1;
        }
        // Kafka and Jetty leave non-daemon threads behind only if a close failed; do not hang on them.
        System.exit(code);
    }

    private static void configureLogging() {
        if (System.getProperty("bench.log.file") == null) {
            try {
                System.setProperty("bench.log.file",
                        Files.createTempFile("whatsapp-load-run-services-", ".log").toString());
            } catch (IOException e) {
                System.setProperty("bench.log.file", "bench-services.log");
            }
        }
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "bench-logback.xml");
        }
    }

    private boolean soaking() {
        return flags.get("soak-minutes") > 0;
    }

    private int run() {
        String loadAtStart = MachineInfo.loadAverage();
        progress((soaking() ? "Soak" : "Load run") + " (issue 9, \"Load\")");
        progress("machine: " + MachineInfo.describe() + "; load average " + loadAtStart);
        progress("services log (JSON): " + System.getProperty("bench.log.file"));
        String overrides;
        String broker;
        String redis;
        boolean allMet;
        try (LoadStack s = LoadStack.start(flags.get("tenants"), this::progress)) {
            stack = s;
            Thread hook = new Thread(s::close, "bench-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            overrides = s.overrides();
            broker = s.brokerDescription();
            redis = s.redisDescription();
            try {
                allMet = measure();
            } finally {
                progress("stopping the services ...");
                if (lags != null) {
                    lags.close();
                }
                s.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook closes the stack anyway
                }
            }
        }
        String rule = "=".repeat(120);
        StringBuilder b = new StringBuilder("\n").append(rule).append('\n');
        b.append(soaking() ? "SOAK" : "LOAD RUN").append(" (issue 9): ingress + processor + sender + health monitor"
                + " in one JVM, broker child JVM, simulator as the tenants' Cloud API servers\n");
        b.append(String.format("%-14s %s%n", "machine", MachineInfo.describe()));
        b.append(String.format("%-14s start %s, end %s (1/5/15 min)%n", "load average", loadAtStart,
                MachineInfo.loadAverage()));
        b.append(String.format("%-14s %s%n", "Kafka", broker));
        b.append(String.format("%-14s %s%n", "Redis", redis));
        b.append(String.format("%-14s %s%n", "service env", overrides));
        b.append("-".repeat(120)).append('\n');
        b.append(String.format("%-46s %-44s %-16s %s%n", "", "measured", "target", "verdict"));
        for (String[] r : rows) {
            b.append(String.format("%-46s %-44s %-16s %s%n", r[0], r[1], r[2], r[3]));
        }
        b.append("-".repeat(120)).append('\n');
        for (String n : notes) {
            b.append(n).append('\n');
        }
        b.append(String.format("%-14s %s%n", "command", COMMAND));
        b.append(String.format("%-14s %s%n", "flags", flags.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))));
        b.append(String.format("%-14s %.0f s%n", "elapsed", (System.nanoTime() - startedAt) / 1e9));
        b.append(rule);
        System.out.println(b);
        return allMet ? 0 : 3;
    }

    private boolean measure() {
        Topics topics = stack.topics();
        traffic = new LoadTraffic(stack.tenants(), stack.runId, flags.get("status-percent"), stack.adminKey,
                stack.keys);
        cpu = new CpuSampler(stack.brokerPid());
        lags = new LagWatch(stack.bootstrapServers(), List.of(
                new LagWatch.Watched("processor (webhooks-raw)", stack.streamsGroup(),
                        List.of(topics.webhooksRaw().name())),
                new LagWatch.Watched("projector (events)", stack.projectorGroup(), List.of(topics.events().name())),
                new LagWatch.Watched("projector (send commands + results)", stack.projectorGroup(),
                        List.of(topics.sendCommands().name(), topics.sendResults().name())),
                new LagWatch.Watched("sender (send commands)", stack.senderGroup(),
                        List.of(topics.sendCommands().name()))));
        probe();

        long measuredSeconds = soaking() ? 60L * flags.get("soak-minutes") : flags.get("seconds");
        long warmup = flags.get("warmup-seconds");
        long total = measuredSeconds + warmup;
        int port = stack.ingressPort();
        OpenLoopStream webhooks = new OpenLoopStream("webhooks", port, slot -> traffic.webhookRequest(slot, port),
                flags.get("webhook-connections"), flags.get("webhook-rate"), total, warmup);
        OpenLoopStream sends = new OpenLoopStream("sends", port, slot -> traffic.sendRequest(slot, port),
                flags.get("send-connections"), flags.get("send-rate"), total, warmup);
        if (sends.slots() > LoadTraffic.MAX_SENDS) {
            throw new IllegalStateException("more sends than distinct recipients: " + sends.slots());
        }
        ResultTally results = new ResultTally(stack.bootstrapServers(), topics.sendResults(), sends.slots());
        try {
            return load(webhooks, sends, results, measuredSeconds, warmup);
        } finally {
            results.close();
        }
    }

    private boolean load(OpenLoopStream webhooks, OpenLoopStream sends, ResultTally results, long measuredSeconds,
                         long warmup) {
        int threadsBefore = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount();
        int fdsBefore = SoakSampler.openFds();
        if (soaking()) {
            SoakSampler.Sample s0 = soak.take(0, 0, 0, "-");
            progress(String.format("soak baseline before the load: heap after full GC %,.1f MiB, %d threads, %d fds",
                    s0.heapAfterGcBytes() / 1048576.0, s0.threads(), s0.fds()));
        }
        progress(String.format("load: %d webhooks/s (%d%% statuses) + %d sends/s over %d tenants, %d s warm-up + %d s%s",
                flags.get("webhook-rate"), flags.get("status-percent"), flags.get("send-rate"), flags.get("tenants"),
                warmup, measuredSeconds, soaking() ? " (soak)" : ""));
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        CpuSampler.Snapshot cpuBefore = cpu.snapshot();
        Map<String, Long> groupsBefore = CpuSampler.threadGroups();
        CpuSampler.Snapshot cpuWarm = null;
        Map<String, Long> groupsWarm = null;
        webhooks.start(start, "loadgen-webhook-");
        sends.start(start, "loadgen-send-");
        long end = Math.max(webhooks.endNanos(start), sends.endNanos(start));
        long warmEnd = start + TimeUnit.SECONDS.toNanos(warmup);
        long progressEvery = TimeUnit.SECONDS.toNanos(flags.get("progress-seconds"));
        long sampleEvery = TimeUnit.SECONDS.toNanos(flags.get("sample-seconds"));
        long nextProgress = start + progressEvery;
        long nextSample = start + sampleEvery;
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (cpuWarm == null && now >= warmEnd) {
                cpuWarm = cpu.snapshot();
                groupsWarm = CpuSampler.threadGroups();
            }
            if (soaking() && now >= nextSample) {
                nextSample += sampleEvery;
                String lag = describe(lags.sample());
                SoakSampler.Sample s = soak.take((now - start) / 1e9, webhooks.answered2xx.sum() + sends.answered2xx.sum(),
                        webhooks.failed.sum() + sends.failed.sum(), lag);
                progress(String.format("soak sample: heap after full GC %,.1f MiB, %d threads, %d fds | 2xx %,d,"
                                + " failed %,d | lag %s", s.heapAfterGcBytes() / 1048576.0, s.threads(), s.fds(), s.ok(),
                        s.failed(), lag));
            } else if (now >= nextProgress) {
                nextProgress += progressEvery;
                progress(String.format("webhooks 2xx %,d failed %,d | sends 2xx %,d failed %,d | results %,d | lag %s",
                        webhooks.answered2xx.sum(), webhooks.failed.sum(), sends.answered2xx.sum(), sends.failed.sum(),
                        results.counts().results(), describe(lags.sample())));
            }
            long wake = Math.min(end, Math.min(nextProgress, soaking() ? nextSample : Long.MAX_VALUE));
            if (cpuWarm == null) {
                wake = Math.min(wake, warmEnd);
            }
            LockSupport.parkNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), wake - System.nanoTime()));
        }
        CpuSampler.Snapshot cpuAfter = cpu.snapshot();
        Map<String, Long> groupsAfter = CpuSampler.threadGroups();
        long joinDeadline = end + TimeUnit.SECONDS.toNanos(5) + TimeUnit.MILLISECONDS.toNanos(2L * OpenLoopStream.SOCKET_TIMEOUT_MS);
        boolean joined = webhooks.join(joinDeadline) & sends.join(joinDeadline);
        long loadStopped = System.nanoTime();
        if (!joined) {
            notes.add("! some load threads were still waiting for an answer at the join deadline");
        }
        OpenLoopStream.Summary w = webhooks.summary();
        OpenLoopStream.Summary s = sends.summary();
        progress(String.format("load done %.1f s after the last scheduled request", (loadStopped - end) / 1e9));

        List<Long> drainSeries = new ArrayList<>();
        double drained = drain(loadStopped, drainSeries);

        cpuSection(cpuWarm == null ? cpuBefore : cpuWarm, groupsWarm == null ? groupsBefore : groupsWarm, cpuAfter,
                groupsAfter, end - (cpuWarm == null ? start : warmEnd),
                (w.cpuNanos() + s.cpuNanos()) / (double) Math.max(1, end - start));

        boolean met = latencyRows(w, s);
        met &= redisRows(webhooks, sends, results, w, s);
        rows.add(new String[]{"consumer lag after the load: time until all 0",
                Double.isNaN(drained) ? "not 0 within " + flags.get("drain-seconds") + " s" : String.format("%.1f s", drained),
                String.format("<= %.0f s", TARGET_DRAIN_SECONDS),
                verdict(!Double.isNaN(drained) && drained <= TARGET_DRAIN_SECONDS)});
        met &= !Double.isNaN(drained) && drained <= TARGET_DRAIN_SECONDS;
        rows.add(new String[]{"  lag samples (1 s apart, records, sum of four)", drainSeries.stream().limit(30)
                .map(String::valueOf).collect(Collectors.joining(" ")) + (drainSeries.size() > 30 ? " ..." : ""), "", ""});
        int threadsAfter = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount();
        int fdsAfter = SoakSampler.openFds();
        rows.add(new String[]{"threads / open fds of this JVM, before -> after",
                threadsBefore + " -> " + threadsAfter + " / " + fdsBefore + " -> " + fdsAfter, "", ""});
        if (soaking()) {
            soakSection();
        }
        return met;
    }

    /** One webhook and one send through the whole path before the load, so that a wiring fault fails fast. */
    private void probe() {
        int port = stack.ingressPort();
        long probeSlot = LoadTraffic.MAX_SENDS - 1; // beyond every slot of the run; its keys are not counted
        try (HttpConnection c = new HttpConnection("127.0.0.1", port, OpenLoopStream.SOCKET_TIMEOUT_MS)) {
            int webhook = c.exchange(traffic.webhookRequest(probeSlot, port));
            int send = c.exchange(traffic.sendRequest(probeSlot, port));
            if (webhook != 200 || send != 202) {
                throw new IllegalStateException("the ingress answered the probe webhook " + webhook
                        + " (200 expected) and the probe send " + send + " (202 expected); see the services log");
            }
        } catch (IOException e) {
            throw new IllegalStateException("the ingress does not answer: " + e, e);
        }
        String sendKey = traffic.sendKey(probeSlot);
        String webhookKey = traffic.webhookKey(probeSlot);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Jedis jedis = new Jedis(stack.redis().uri())) {
            while (true) {
                boolean inbound = jedis.exists(webhookKey);
                String status = jedis.hget(sendKey, "status");
                if (inbound && "sent".equals(status)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the probe did not reach Redis within 60 s (webhook seen: "
                            + inbound + ", send status: " + status + ")");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
        progress("probe: a webhook and a send went through the whole path (ingress 200/202, in Redis, send 'sent')");
    }

    /** Lag every second from the end of the load until all four are 0. @return seconds until then, NaN if never */
    private double drain(long loadStopped, List<Long> series) {
        long deadline = loadStopped + TimeUnit.SECONDS.toNanos(flags.get("drain-seconds"));
        long next = loadStopped;
        while (true) {
            long now = System.nanoTime();
            Map<String, LagWatch.Lag> lag = lags.sample();
            long sum = lag.values().stream().mapToLong(v -> v.records() < 0 ? Long.MAX_VALUE / 8 : v.records()).sum();
            series.add(lag.values().stream().anyMatch(v -> v.records() < 0) ? -1 : sum);
            double at = (now - loadStopped) / 1e9;
            progress(String.format("drain +%4.1f s: %s", at, describe(lag)));
            if (sum == 0) {
                return at;
            }
            if (now > deadline) {
                return Double.NaN;
            }
            next += TimeUnit.SECONDS.toNanos(1);
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
    }

    private boolean latencyRows(OpenLoopStream.Summary w, OpenLoopStream.Summary s) {
        boolean met = true;
        for (OpenLoopStream.Summary x : List.of(w, s)) {
            long bad = x.non2xx() + x.ioErrors() + x.behind();
            String what = x.name().equals("webhooks") ? "signed webhooks" : "sends (POST /messages)";
            rows.add(new String[]{String.format("%s: answered 2xx of %,d", what, x.slots()),
                    String.format("%,d (non-2xx %,d, I/O errors %,d, not sent %,d)", x.ok(), x.non2xx(), x.ioErrors(),
                            x.behind()), "non-2xx 0", verdict(bad == 0)});
            if (x.non2xx() > 0) {
                rows.add(new String[]{"  status codes", x.codes(), "", ""});
            }
            double p50 = x.measured().percentileMillis(0.5);
            double p99 = x.measured().percentileMillis(0.99);
            rows.add(new String[]{"  ingress latency p50 / p99 (after warm-up)",
                    String.format("%.1f / %.1f ms (max %.0f ms)", p50, p99, x.measured().maxMillis()),
                    String.format("p99 <= %.0f ms", TARGET_P99_MS), verdict(p99 <= TARGET_P99_MS)});
            if (x.warm().count() > 0) {
                rows.add(new String[]{"  during the warm-up", String.format("%.1f / %.1f ms (max %.0f ms)",
                        x.warm().percentileMillis(0.5), x.warm().percentileMillis(0.99), x.warm().maxMillis()), "", ""});
            }
            met &= bad == 0 && p99 <= TARGET_P99_MS;
        }
        return met;
    }

    /** Every accepted request's trace in Redis, and one sender result per accepted send. */
    private boolean redisRows(OpenLoopStream webhooks, OpenLoopStream sends, ResultTally results,
                              OpenLoopStream.Summary w, OpenLoopStream.Summary s) {
        long verifyDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(flags.get("verify-seconds"));
        // results first: the last ones may still be on their way when the lags read 0 (different groups)
        long acceptedSends = s.ok();
        while (results.counts().distinct() < acceptedSends && System.nanoTime() < verifyDeadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        long messages = 0, statuses = 0, messagesSeen = 0, statusesSeen = 0, refusedStored = 0;
        Map<String, Long> sendStatuses = new LinkedHashMap<>();
        long noResult = 0, resultNotAccepted = 0;
        try (Jedis jedis = new Jedis(stack.redis().uri())) {
            List<Long> missing = new ArrayList<>();
            List<Long> refused = new ArrayList<>();
            for (long slot = 0; slot < webhooks.slots(); slot++) {
                if (webhooks.outcome(slot) == OpenLoopStream.OK) {
                    missing.add(slot);
                    if (traffic.isStatus(slot)) {
                        statuses++;
                    } else {
                        messages++;
                    }
                } else {
                    refused.add(slot);
                }
                if (missing.size() >= 5000) {
                    missing = webhooksMissing(jedis, missing);
                }
            }
            missing = webhooksMissing(jedis, missing);
            while (!missing.isEmpty() && System.nanoTime() < verifyDeadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                missing = webhooksMissing(jedis, missing);
            }
            long missingStatuses = missing.stream().filter(traffic::isStatus).count();
            statusesSeen = statuses - missingStatuses;
            messagesSeen = messages - (missing.size() - missingStatuses);
            refusedStored = webhooks.slots() - w.ok() - webhooksMissing(jedis, refused).size();

            List<Long> acceptedSendSlots = new ArrayList<>();
            for (long slot = 0; slot < sends.slots(); slot++) {
                if (sends.outcome(slot) == OpenLoopStream.OK) {
                    acceptedSendSlots.add(slot);
                    int n = results.resultsFor(slot);
                    noResult += n == 0 ? 1 : 0;
                } else if (results.resultsFor(slot) > 0) {
                    resultNotAccepted++;
                }
            }
            for (int i = 0; i < acceptedSendSlots.size(); i += 5000) {
                List<Long> batch = acceptedSendSlots.subList(i, Math.min(acceptedSendSlots.size(), i + 5000));
                List<Response<String>> answers = new ArrayList<>(batch.size());
                try (Pipeline p = jedis.pipelined()) {
                    for (long slot : batch) {
                        answers.add(p.hget(traffic.sendKey(slot), "status"));
                    }
                    p.sync();
                }
                for (Response<String> a : answers) {
                    sendStatuses.merge(a.get() == null ? "missing" : a.get(), 1L, Long::sum);
                }
            }
            if (stack.redis().started()) {
                // Only a Redis of our own: a shared one's memory is everybody's. For sizing a soak.
                String used = jedis.info("memory").lines().filter(l -> l.startsWith("used_memory_human:"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
                notes.add(String.format("Redis used_memory after the run: %s for %,d accepted webhooks and %,d sends"
                        + " (this run's own redis-server)", used, w.ok(), s.ok()));
            }
        }
        ResultTally.Counts c = results.counts();
        boolean webhooksOk = messagesSeen == messages && statusesSeen == statuses;
        rows.add(new String[]{"accepted webhooks visible in Redis",
                String.format("%,d of %,d messages, %,d of %,d statuses", messagesSeen, messages, statusesSeen, statuses),
                "all", verdict(webhooksOk)});
        if (refusedStored > 0) {
            rows.add(new String[]{"  refused webhooks found in Redis anyway", String.format("%,d", refusedStored),
                    "", "(ambiguous: answered non-2xx after the write)"});
        }
        long sentInRedis = sendStatuses.getOrDefault("sent", 0L);
        rows.add(new String[]{"accepted sends: status of their message in Redis",
                sendStatuses.entrySet().stream().map(e -> String.format("%s %,d", e.getKey(), e.getValue()))
                        .collect(Collectors.joining(", ")) + String.format(" (of %,d)", acceptedSends),
                "all sent", verdict(sentInRedis == acceptedSends)});
        // Sends answered 503 may have been written all the same (the ack came too late): their results are
        // counted apart, not against "one per accepted send".
        boolean oneEach = c.duplicates() == 0 && noResult == 0 && c.failed() == 0;
        rows.add(new String[]{"sender results (one per accepted send)",
                String.format("%,d results: %,d sent, %,d failed; duplicates %,d, none %,d", c.results(), c.sent(),
                        c.failed(), c.duplicates(), noResult), "1 each, sent", verdict(oneEach)});
        if (c.foreign() > 0 || resultNotAccepted > 0) {
            rows.add(new String[]{"  other results", String.format("%,d not of this run's slots (the probe's),"
                    + " %,d for sends answered non-2xx", c.foreign(), resultNotAccepted), "", ""});
        }
        return webhooksOk && sentInRedis == acceptedSends && oneEach;
    }

    /** @return the slots whose trace is not in Redis yet: a message hash, or a receipt holder with its status */
    private List<Long> webhooksMissing(Jedis jedis, List<Long> slots) {
        List<Long> still = new ArrayList<>();
        for (int i = 0; i < slots.size(); i += 5000) {
            List<Long> batch = slots.subList(i, Math.min(slots.size(), i + 5000));
            List<Response<String>> answers = new ArrayList<>(batch.size());
            try (Pipeline p = jedis.pipelined()) {
                for (long slot : batch) {
                    answers.add(p.hget(traffic.webhookKey(slot), traffic.isStatus(slot) ? "status" : "id"));
                }
                p.sync();
            }
            for (int k = 0; k < batch.size(); k++) {
                String v = answers.get(k).get();
                boolean seen = traffic.isStatus(batch.get(k)) ? "delivered".equals(v) : v != null;
                if (!seen) {
                    still.add(batch.get(k));
                }
            }
        }
        return still;
    }

    private void cpuSection(CpuSampler.Snapshot before, Map<String, Long> groupsBefore, CpuSampler.Snapshot after,
                            Map<String, Long> groupsAfter, long wallNanos, double generatorCores) {
        // The connection threads' own CPU time (over the whole load, warm-up included): /proc may miss threads
        // that ended, and they must not count as the services'.
        CpuSplit split = CpuSplit.between(before, after, wallNanos).withRole(CpuSampler.Role.GENERATOR, generatorCores);
        rows.add(new String[]{"CPU cores during the load (after warm-up)", split.describe(), "", ""});
        Map<String, Double> groups = new LinkedHashMap<>();
        groupsAfter.forEach((name, nanos) -> {
            double cores = Math.max(0, nanos - groupsBefore.getOrDefault(name, 0L)) / (double) wallNanos;
            if (cores >= 0.005) {
                groups.put(name, cores);
            }
        });
        String top = groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(14).map(e -> String.format("%s %.2f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        notes.add("CPU by thread group of this JVM (cores, digits folded to #; threads that ended are missing): " + top);
        progress("CPU: " + split.describe());
        progress("CPU by thread group: " + top);
    }

    private void soakSection() {
        List<SoakSampler.Sample> samples = soak.samples();
        StringBuilder b = new StringBuilder("soak samples (s: heap after full GC MiB / threads / fds | 2xx, failed | lag):\n");
        for (SoakSampler.Sample s : samples) {
            b.append(String.format("  %6.0f s: %8.1f / %4d / %4d | %,d, %,d | %s%n", s.atSeconds(),
                    s.heapAfterGcBytes() / 1048576.0, s.threads(), s.fds(), s.ok(), s.failed(), s.lag()));
        }
        // The baseline (before the load) is left out of the slope: it has no load's buffers in it.
        SoakSampler during = new SoakSampler();
        samples.stream().filter(x -> x.atSeconds() > 0).forEach(x -> during.samples().add(x));
        b.append("  ").append(during.slope("heap", x -> x.heapAfterGcBytes(), 1048576.0, "MiB")).append('\n');
        b.append("  ").append(during.slope("threads", x -> x.threads(), 1, "")).append('\n');
        b.append("  ").append(during.slope("fds", x -> x.fds(), 1, "")).append('\n');
        b.append("  (heap includes the run's own fixed buffers: one status byte per request and per send, allocated"
                + " before the load; every soak sample is a System.gc(), a stop-the-world pause in the services' JVM"
                + " that the latency figures include)");
        notes.add(b.toString());
    }

    private static String describe(Map<String, LagWatch.Lag> lag) {
        return lag.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    private void progress(String line) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - startedAt) / 1e9, line);
        System.out.flush();
    }
}
