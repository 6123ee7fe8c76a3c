package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.kafka.KafkaClients;
import com.booqing.whatsapp.common.kafka.Topic;
import com.booqing.whatsapp.common.message.MessageContent;
import com.booqing.whatsapp.common.message.SendCommand;
import com.booqing.whatsapp.common.message.SendResult;
import com.booqing.whatsapp.simulator.Fault;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The send benchmark of issue "Outbound": send commands through one in-process sender to the simulator answering
 * at once, side by side with a plain HTTP load generator against the same simulated number (the ceiling);
 * command-to-result latency at a fixed 500/s; and the time from the primary going dark to the first message
 * delivered through the backup. A figure, not a test: see bench/README.md for the command and measured results.
 */
public final class SendBenchmark {
    static final String COMMAND = "mvn -q -Pbench -pl bench -am -DskipTests package && "
            + "java -cp \"bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*\" "
            + "com.booqing.whatsapp.bench.SendBenchmark";
    static final double TARGET_SENDS_PER_SECOND = 1000;
    static final double TARGET_RATIO = 0.5;
    static final double TARGET_P99_MS = 100;
    static final double TARGET_FAILOVER_MS = 2000;
    private static final String USAGE = String.join("\n",
            "SendBenchmark [--name=value ...]",
            "  --connections=32        keep-alive connections of the plain load generator (the ceiling)",
            "  --rounds=3              sender rounds, alternated with rounds+1 ceiling rounds; medians reported",
            "  --ceiling-warmup-seconds=20  unmeasured ceiling load first, so that the JIT has compiled the simulator",
            "  --ceiling-seconds=5     each ceiling round",
            "  --warmup-sends=30000    unmeasured commands then, so that the JIT has compiled the sender",
            "  --sends=15000           commands of each sender round",
            "  --latency-rate=500      commands/s of the open-loop latency phase",
            "  --latency-seconds=10    length of that phase",
            "  --trickle-rate=50       commands/s during the failover phase",
            "  --drain-seconds=60      most time to wait for the results of a phase",
            "Environment: REDIS_URL (used when it answers PING, else a Redis is started); SENDER_* and",
            "WHATSAPP_DEFAULT_* are passed to the sender (SENDER_RATE_PER_SECOND_DEFAULT defaults to 100000 here).");
    private static final Duration BEFORE_DARK = Duration.ofSeconds(3);
    private static final Duration MAX_DARK = Duration.ofSeconds(20);

    private final Map<String, Integer> flags;
    private final long startedAt = System.nanoTime();
    private final AtomicLong nextRecipient = new AtomicLong(4915110000000L); // +49 151 1xxxxxxx, valid: the sender checks numbers
    private final List<String[]> rows = new ArrayList<>();
    private SendStack stack;
    private SendResults results;
    private KafkaProducer<byte[], byte[]> producer;
    private CpuSampler cpu;

    private SendBenchmark(Map<String, Integer> flags) {
        this.flags = flags;
    }

    public static void main(String[] args) {
        Map<String, Integer> flags = new LinkedHashMap<>();
        flags.put("connections", 32);
        flags.put("rounds", 3);
        flags.put("ceiling-warmup-seconds", 20);
        flags.put("ceiling-seconds", 5);
        flags.put("warmup-sends", 30_000);
        flags.put("sends", 15_000);
        flags.put("latency-rate", 500);
        flags.put("latency-seconds", 10);
        flags.put("trickle-rate", 50);
        flags.put("drain-seconds", 60);
        for (String a : args) {
            int eq = a.indexOf('=');
            String name = a.startsWith("--") && eq > 2 ? a.substring(2, eq) : null;
            if (name == null || !flags.containsKey(name)) {
                System.err.println(a.equals("--help") ? USAGE : "unknown flag: " + a + "\n" + USAGE);
                System.exit(a.equals("--help") ? 0 : 2);
            }
            int v = Integer.parseInt(a.substring(eq + 1));
            if (v < 1 || v > 1_000_000) {
                System.err.println("--" + name + " must be 1..1000000");
                System.exit(2);
            }
            flags.put(name, v);
        }
        configureLogging();
        int code;
        try {
            code = new SendBenchmark(flags).run();
        } catch (RuntimeException e) {
            System.err.println("bench: failed: " + e.getMessage());
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    private static void configureLogging() {
        if (System.getProperty("bench.log.file") == null) {
            try {
                System.setProperty("bench.log.file",
                        Files.createTempFile("whatsapp-send-bench-services-", ".log").toString());
            } catch (IOException e) {
                System.setProperty("bench.log.file", "bench-services.log");
            }
        }
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "bench-logback.xml");
        }
    }

    private int run() {
        String loadAtStart = MachineInfo.loadAverage();
        progress("Send benchmark (issue \"Outbound\")");
        progress("machine: " + MachineInfo.describe());
        progress("services log (JSON): " + System.getProperty("bench.log.file"));
        String overrides;
        String broker;
        String redis;
        try (SendStack s = SendStack.start(this::progress)) {
            stack = s;
            Thread hook = new Thread(s::close, "bench-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            overrides = s.senderOverrides();
            broker = s.brokerDescription();
            redis = s.redisDescription();
            cpu = new CpuSampler(s.brokerPid());
            results = new SendResults(s.bootstrapServers(), s.topics().sendResults());
            Map<String, Object> p = KafkaClients.durableProducer(s.bootstrapServers(), "bench-commands",
                    Duration.ofSeconds(10), Duration.ofSeconds(30));
            p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
            producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            try {
                measure();
            } finally {
                progress("stopping ...");
                producer.close(Duration.ofSeconds(10));
                results.close();
                s.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook closes the stack anyway
                }
            }
        }
        String rule = "=".repeat(110);
        StringBuilder b = new StringBuilder("\n").append(rule).append('\n');
        b.append("SEND BENCHMARK (issue \"Outbound\"): one sender in-process, simulator answering at once, receipts off\n");
        b.append(String.format("%-14s %s%n", "machine", MachineInfo.describe()));
        b.append(String.format("%-14s start %s, end %s (1/5/15 min)%n", "load average", loadAtStart,
                MachineInfo.loadAverage()));
        b.append(String.format("%-14s %s%n", "Kafka", broker));
        b.append(String.format("%-14s %s%n", "Redis", redis));
        b.append(String.format("%-14s %s%n", "sender env", overrides));
        b.append("-".repeat(110)).append('\n');
        b.append(String.format("%-44s %-34s %-22s %s%n", "", "measured", "target", "verdict"));
        for (String[] r : rows) {
            b.append(String.format("%-44s %-34s %-22s %s%n", r[0], r[1], r[2], r[3]));
        }
        b.append("-".repeat(110)).append('\n');
        b.append(String.format("%-14s %s%n", "command", COMMAND));
        b.append(String.format("%-14s %s%n", "flags", flags.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).reduce((x, y) -> x + " " + y).orElse("")));
        b.append(String.format("%-14s %.0f s%n", "elapsed", (System.nanoTime() - startedAt) / 1e9));
        b.append(rule);
        System.out.println(b);
        return 0;
    }

    /**
     * Ceiling and sender rounds alternate (C S C S ... C), so that both see the same machine: on a shared
     * machine the ceiling alone moved from 2,900 to 5,900 req/s between runs minutes apart.
     */
    private void measure() {
        Target target = ceilingTarget();
        LoadGenerator generator = new LoadGenerator(cpu);
        int conns = flags.get("connections");
        phase(generator.closedLoop("ceiling warm-up", target, conns,
                Duration.ofSeconds(flags.get("ceiling-warmup-seconds"))));
        warmUpSender();
        List<PhaseResult> ceilings = new ArrayList<>();
        List<Round> senders = new ArrayList<>();
        int rounds = flags.get("rounds");
        for (int i = 1; i <= rounds + 1; i++) {
            ceilings.add(phase(generator.closedLoop("ceiling " + i, target, conns,
                    Duration.ofSeconds(flags.get("ceiling-seconds")))));
            stack.simulator().clearRequests(stack.primarySimId());
            if (i <= rounds) {
                senders.add(senderRound(i));
            }
        }
        report(ceilings, senders, conns);
        latency();
        failover();
    }

    /** Raw sockets, keep-alive, closed loop, straight to the simulated number's messages route. */
    private Target ceilingTarget() {
        String path = "/" + SendStack.API_VERSION + "/" + SendStack.PHONE_NUMBER_ID + "/messages";
        int port = stack.primarySim().port();
        byte[][] requests = new byte[1000][];
        String firstBody = null;
        for (int i = 0; i < requests.length; i++) {
            String body = "{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\",\"to\":\""
                    + nextRecipient.incrementAndGet() + "\",\"type\":\"text\",\"text\":{\"body\":\"bench " + i
                    + "\",\"preview_url\":false}}";
            firstBody = firstBody == null ? body : firstBody;
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer "
                    + stack.accessToken + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                    + "\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] req = new byte[h.length + b.length];
            System.arraycopy(h, 0, req, 0, h.length);
            System.arraycopy(b, 0, req, h.length, b.length);
            requests[i] = req;
        }
        probe(stack.primarySim().apiUrl() + path, firstBody);
        return new Target("simulator", "127.0.0.1", port, requests);
    }

    /** One sender round: its rate, how many of its commands ended in a result and were sent, and the CPU. */
    /** @param tasks the sender's and simulator's kernel time and context switches over the round */
    private record Round(double rate, int commands, int results, int sent, CpuSplit cpu, TaskStats tasks) {
    }

    private void report(List<PhaseResult> ceilings, List<Round> senders, int conns) {
        double ceiling = Stats.median(ceilings.stream().mapToDouble(PhaseResult::okPerSecond).toArray());
        double rate = Stats.median(senders.stream().mapToDouble(Round::rate).toArray());
        long errors = ceilings.stream().mapToLong(r -> r.non2xx() + r.ioErrors()).sum();
        int commands = senders.stream().mapToInt(Round::commands).sum();
        int seen = senders.stream().mapToInt(Round::results).sum();
        int sent = senders.stream().mapToInt(Round::sent).sum();
        row("plain HTTP to the simulator (ceiling)", String.format("%,.0f req/s (median)", ceiling), "",
                String.format("%d conns; rounds %s", conns, list(ceilings.stream()
                        .mapToDouble(PhaseResult::okPerSecond).toArray())));
        row("  errors: non-2xx / I/O", Long.toString(errors), "0", verdict(errors == 0));
        row("sender, commands to results", String.format("%,.0f sends/s (median)", rate),
                String.format(">= %,.0f/s", TARGET_SENDS_PER_SECOND), verdict(rate >= TARGET_SENDS_PER_SECOND));
        row("  rounds", list(senders.stream().mapToDouble(Round::rate).toArray()), "", "");
        row("ratio sender / ceiling (medians)", String.format("%.3f", rate / ceiling),
                String.format(">= %.1f", TARGET_RATIO), verdict(rate / ceiling >= TARGET_RATIO));
        row("  results / sent of " + String.format("%,d", commands), String.format("%,d / %,d", seen, sent),
                "all sent", verdict(sent == commands));
        // CPU per request is steadier than the rates on a shared machine: what one send costs, and where.
        double simPerRequest = Stats.median(ceilings.stream()
                .mapToDouble(r -> r.cpu().role(CpuSampler.Role.SIMULATOR) / r.okPerSecond() * 1e6).toArray());
        row("  CPU per send (medians), µs", String.format("sender %.0f, simulator %.0f, broker %.0f, Redis %.0f",
                perSend(senders, c -> c.role(CpuSampler.Role.SENDER)),
                perSend(senders, c -> c.role(CpuSampler.Role.SIMULATOR)), perSend(senders, CpuSplit::broker),
                perSend(senders, CpuSplit::redis)), "", "");
        row("  CPU per ceiling request, µs", String.format("simulator %.0f (median)", simPerRequest), "", "");
        // Over each whole round (its tail included), per result: the kernel's share and the thread switches.
        // The bound: both phases keep the two cores busy, so each rate is the cores over the CPU one operation costs.
        // Take the sender's own threads away from a send and what is left (simulator, broker, Redis, the command
        // producer and result reader that play the load generator's part) still caps the ratio.
        double perRequest = Stats.median(ceilings.stream().mapToDouble(r -> r.cpu().system() / r.okPerSecond() * 1e6)
                .toArray());
        double perSendWithoutSender = perSend(senders, c -> c.system() - c.role(CpuSampler.Role.SENDER));
        double senderPerSend = perSend(senders, c -> c.role(CpuSampler.Role.SENDER));
        row("  system CPU per op (no JIT), µs", String.format("ceiling request %.0f; send %.0f, of it the sender %.0f",
                perRequest, perSendWithoutSender + senderPerSend, senderPerSend), "", "");
        row("  best ratio with a sender costing 0 CPU", String.format("%.3f", perRequest / perSendWithoutSender),
                "", "");
        row("  sender CPU per send that 0.5 allows", String.format("%.0f µs (it takes %.0f)",
                perRequest / TARGET_RATIO - perSendWithoutSender, senderPerSend), "", "");
        row("  of it in the kernel, µs per send", String.format("sender %.0f, simulator %.0f",
                perResult(senders, t -> t.kernel(CpuSampler.Role.SENDER) / 1e3),
                perResult(senders, t -> t.kernel(CpuSampler.Role.SIMULATOR) / 1e3)), "", "");
        row("  context switches per send", String.format("sender %.1f, simulator %.1f",
                perResult(senders, t -> t.switches(CpuSampler.Role.SENDER)),
                perResult(senders, t -> t.switches(CpuSampler.Role.SIMULATOR))), "", "");
    }

    private static double perResult(List<Round> rounds, java.util.function.ToDoubleFunction<TaskStats> total) {
        return Stats.median(rounds.stream().mapToDouble(r -> total.applyAsDouble(r.tasks()) / r.results()).toArray());
    }

    private static double perSend(List<Round> rounds, java.util.function.ToDoubleFunction<CpuSplit> cores) {
        return Stats.median(rounds.stream().mapToDouble(r -> cores.applyAsDouble(r.cpu()) / r.rate() * 1e6).toArray());
    }

    private static String list(double[] values) {
        return java.util.Arrays.stream(values).mapToObj(v -> String.format("%,.0f", v))
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    private void probe(String url, String body) {
        try {
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + stack.accessToken).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new IllegalStateException("the simulator answered the probe " + res.statusCode() + ": "
                        + res.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("the simulator did not answer the probe", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void warmUpSender() {
        List<String> warm = new ArrayList<>();
        for (int i = 0; i < flags.get("warmup-sends"); i++) {
            warm.add(produce("warm " + i));
        }
        int warmSeen = results.await(warm, Duration.ofSeconds(flags.get("drain-seconds")));
        progress("sender warm-up: " + warmSeen + " of " + flags.get("warmup-sends") + " results");
    }

    /** K distinct commands as fast as the producer takes them; first produce to last result. */
    private Round senderRound(int round) {
        Duration drain = Duration.ofSeconds(flags.get("drain-seconds"));
        int k = flags.get("sends");
        List<String> ids = new ArrayList<>(k);
        CpuSampler.Snapshot before = cpu.snapshot();
        TaskStats tasksBefore = TaskStats.now();
        long start = System.nanoTime();
        for (int i = 0; i < k; i++) {
            ids.add(produce("throughput " + i));
        }
        producer.flush();
        long produced = System.nanoTime();
        results.await(ids, drain);
        CpuSampler.Snapshot after = cpu.snapshot();
        TaskStats tasks = TaskStats.now().since(tasksBefore);
        long last = start;
        int seen = 0;
        int sent = 0;
        // Counted from one look at the arrivals, so that results and sent agree (more may arrive meanwhile).
        for (String id : ids) {
            SendResults.Arrival a = results.get(id);
            if (a != null) {
                last = Math.max(last, a.nanos());
                seen++;
                sent += a.outcome() == SendResult.Outcome.SENT ? 1 : 0;
            }
        }
        double seconds = (last - start) / 1e9;
        double rate = seen / seconds;
        CpuSplit split = CpuSplit.between(before, after, last - start);
        progress(String.format("sender %d: %d commands produced in %.2f s, %d results (%d sent) in %.2f s: %,.0f/s | %s",
                round, k, (produced - start) / 1e9, seen, sent, seconds, rate, split.describe()));
        return new Round(rate, k, seen, sent, split, tasks);
    }

    /** Phase 3: open loop at a fixed rate; latency from the produce call to the result's arrival. */
    private void latency() {
        int rate = flags.get("latency-rate");
        int n = rate * flags.get("latency-seconds");
        List<String> ids = new ArrayList<>(n);
        long[] producedAt = new long[n];
        long[] producedWallMillis = new long[n];
        double interval = 1e9 / rate;
        CommandSightings sightings = new CommandSightings(stack.bootstrapServers(), stack.topics().sendCommands());
        long start = System.nanoTime();
        int unsent = 0;
        for (int i = 0; i < n; i++) {
            long scheduled = start + (long) (i * interval);
            long now;
            while ((now = System.nanoTime()) < scheduled) {
                LockSupport.parkNanos(scheduled - now);
            }
            producedAt[i] = now;
            producedWallMillis[i] = System.currentTimeMillis();
            ids.add(produce("latency " + i));
        }
        int seen = results.await(ids, Duration.ofSeconds(flags.get("drain-seconds")));
        sightings.close();
        Latencies l = new Latencies(n, n);
        // The broker's part: produced until a consumer configured as the sender's could read the command.
        Latencies toReadable = new Latencies(n, n);
        for (int i = 0; i < n; i++) {
            long readable = sightings.at(ids.get(i));
            if (readable >= 0) {
                toReadable.record(readable - producedAt[i]);
            }
        }
        // Where the time goes: command produced -> the sender made its result (wall clock, 1 ms resolution), and the
        // rest: the result published, committed and read back.
        Latencies toResult = new Latencies(n, n);
        Latencies rest = new Latencies(n, n);
        int sent = 0;
        for (int i = 0; i < n; i++) {
            SendResults.Arrival a = results.get(ids.get(i));
            if (a != null) {
                l.record(a.nanos() - producedAt[i]);
                if (a.completedMillis() >= 0) {
                    long toResultNanos = Math.max(0, a.completedMillis() - producedWallMillis[i]) * 1_000_000L;
                    toResult.record(toResultNanos);
                    rest.record(Math.max(0, a.nanos() - producedAt[i] - toResultNanos));
                }
                sent += a.outcome() == SendResult.Outcome.SENT ? 1 : 0;
            } else {
                unsent++;
            }
        }
        // Per second of the phase: whether the tail is a start-up transient or spread over the whole phase.
        int seconds = flags.get("latency-seconds");
        StringBuilder perSecond = new StringBuilder();
        for (int sec = 0; sec < seconds; sec++) {
            Latencies one = new Latencies(rate, rate);
            for (int i = sec * rate; i < Math.min(n, (sec + 1) * rate); i++) {
                SendResults.Arrival a = results.get(ids.get(i));
                if (a != null) {
                    one.record(a.nanos() - producedAt[i]);
                }
            }
            perSecond.append(String.format("%s%.0f/%.0f", sec == 0 ? "" : " ", one.percentileMillis(0.5),
                    one.percentileMillis(0.99)));
        }
        progress("  p50/p99 ms by second: " + perSecond);
        double p50 = l.percentileMillis(0.5);
        double p99 = l.percentileMillis(0.99);
        progress(String.format("latency at %d/s: %d results (%d sent), p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                rate, seen, sent, p50, p99, l.maxMillis()));
        row(String.format("command-to-result at %,d/s for %d s", rate, flags.get("latency-seconds")),
                String.format("p50 %.1f ms, p99 %.1f ms", p50, p99), String.format("p99 <= %.0f ms", TARGET_P99_MS),
                verdict(p99 <= TARGET_P99_MS && unsent == 0));
        row("  (max; results / sent)", String.format("max %.1f ms; %,d / %,d of %,d", l.maxMillis(), seen, sent, n),
                "", "");
        String split = String.format("p50 %.0f / p99 %.0f ms to the result; p50 %.0f / p99 %.0f ms to the reader",
                toResult.percentileMillis(0.5), toResult.percentileMillis(0.99), rest.percentileMillis(0.5),
                rest.percentileMillis(0.99));
        progress("  split: " + split);
        String readable = String.format("p50 %.1f / p99 %.1f ms", toReadable.percentileMillis(0.5),
                toReadable.percentileMillis(0.99));
        progress("  command readable by a consumer: " + readable);
        row("  command -> result made -> read", split, "", "");
        row("  command -> readable by a consumer", readable, "", "");
    }

    /** Phase 4: a steady trickle, the primary set dark, time until the first SENT result from the backup. */
    private void failover() {
        int rate = flags.get("trickle-rate");
        double interval = 1e9 / rate;
        List<String> ids = new ArrayList<>();
        List<String> afterDark = new ArrayList<>();
        long start = System.nanoTime();
        long darkAt = -1;
        long firstBackup = -1;
        long stopAt = start + BEFORE_DARK.toNanos() + MAX_DARK.toNanos();
        int scanned = 0;
        try {
            for (int i = 0; ; i++) {
                long scheduled = start + (long) (i * interval);
                long now;
                while ((now = System.nanoTime()) < scheduled) {
                    LockSupport.parkNanos(scheduled - now);
                }
                if (now > stopAt) {
                    break;
                }
                if (darkAt < 0 && now - start >= BEFORE_DARK.toNanos()) {
                    darkAt = System.nanoTime();
                    stack.simulator().fault(stack.primarySimId(), Fault.dark());
                    progress("primary set dark");
                }
                String id = produce("trickle " + i);
                ids.add(id);
                if (darkAt >= 0) {
                    afterDark.add(id);
                }
                if (darkAt >= 0 && firstBackup < 0) {
                    firstBackup = firstBackupSent(ids, darkAt);
                    if (firstBackup >= 0) {
                        // a second more of trickle, to see the backup carry it
                        stopAt = Math.min(stopAt, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
                    }
                }
            }
        } finally {
            stack.simulator().fault(stack.primarySimId(), Fault.none());
        }
        int seen = results.await(ids, Duration.ofSeconds(Math.min(30, flags.get("drain-seconds"))));
        if (firstBackup < 0 && darkAt >= 0) {
            firstBackup = firstBackupSent(ids, darkAt);
        }
        int onBackup = 0, onPrimary = 0, failed = 0;
        for (String id : afterDark) {
            SendResults.Arrival a = results.get(id);
            if (a == null) {
                continue;
            }
            if (a.outcome() != SendResult.Outcome.SENT) {
                failed++;
            } else if (stack.backupId.equals(a.endpointId())) {
                onBackup++;
            } else {
                onPrimary++;
            }
        }
        double ms = firstBackup < 0 ? Double.NaN : (firstBackup - darkAt) / 1e6;
        progress(String.format("failover: first SENT via the backup %.0f ms after the primary went dark;"
                + " after dark: %d via backup, %d via primary, %d not sent; %d of %d results", ms, onBackup,
                onPrimary, failed, seen, ids.size()));
        row("primary dark -> first SENT via the backup", Double.isNaN(ms) ? "never (within 20 s)"
                : String.format("%,.0f ms", ms), String.format("<= %,.0f ms", TARGET_FAILOVER_MS),
                verdict(!Double.isNaN(ms) && ms <= TARGET_FAILOVER_MS));
        row(String.format("  commands after dark (%d/s trickle)", rate), String.format(
                "%d: %d backup, %d primary, %d not sent", afterDark.size(), onBackup, onPrimary, failed), "", "");
    }

    private long firstBackupSent(List<String> ids, long darkAt) {
        long first = -1;
        for (String id : ids) {
            SendResults.Arrival a = results.get(id);
            if (a != null && a.nanos() >= darkAt && a.outcome() == SendResult.Outcome.SENT
                    && stack.backupId.equals(a.endpointId()) && (first < 0 || a.nanos() < first)) {
                first = a.nanos();
            }
        }
        return first;
    }

    /** A text to a recipient of its own (so no ordering chain serialises the run). @return its message id */
    private String produce(String text) {
        Topic<String, SendCommand> topic = stack.topics().sendCommands();
        String to = "+" + nextRecipient.incrementAndGet();
        SendCommand c = new SendCommand(null, stack.tenantId, null, null, to,
                new MessageContent.Text("bench " + text, false), "bench-" + stack.runId + "-" + to, null,
                Instant.now());
        producer.send(new ProducerRecord<>(topic.name(), topic.keySerde().serializer().serialize(topic.name(),
                c.partitionKey()), topic.valueSerde().serializer().serialize(topic.name(), c)));
        return c.messageId();
    }

    private PhaseResult phase(PhaseResult r) {
        Latencies l = r.latencies();
        progress(String.format("%-22s %,8.0f/s  p50 %6.2f  p99 %7.2f ms%s | cores: %s", r.label(), r.okPerSecond(),
                l.percentileMillis(0.5), l.percentileMillis(0.99),
                r.non2xx() + r.ioErrors() > 0 ? "  non-2xx " + r.non2xx() + " io " + r.ioErrors() : "",
                r.cpu().describe()));
        return r;
    }

    private void row(String name, String measured, String target, String verdict) {
        rows.add(new String[]{name, measured, target, verdict});
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    private void progress(String line) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - startedAt) / 1e9, line);
    }
}
