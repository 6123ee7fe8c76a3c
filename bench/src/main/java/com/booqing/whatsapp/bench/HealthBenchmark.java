package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The health monitor benchmark (issue 7): N endpoints (100,000) at one check interval (60 s) on ONE health monitor,
 * against the simulator; checks/s achieved, check latency p50/p99, how punctual the schedule is, and the CPU the
 * monitor's JVM used, side by side with a plain asynchronous HTTP client sending the same probe requests to the
 * same simulator as fast as it can (the ceiling). Optionally a second monitor run at a shorter interval shows the
 * headroom. The monitor and the ceiling client each run in a child JVM of their own ({@link HealthBenchChild}), so
 * their CPU time is theirs alone. A figure, not a test: see bench/README.md for the command and the results.
 */
public final class HealthBenchmark {
    static final String COMMAND = "mvn -q -B -o -Pbench -pl bench -am -DskipTests package && "
            + "java -cp \"bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*\" "
            + "com.booqing.whatsapp.bench.HealthBenchmark";
    private static final String USAGE = String.join("\n",
            "HealthBenchmark [--name=value ...]",
            "  --endpoints=100000              endpoints seeded (all active, all owned by the one monitor)",
            "  --interval-seconds=60           every tenant's healthCheckInterval",
            "  --endpoints-per-tenant=2        endpoints per tenant (the first is its primary)",
            "  --providers=cloud-api,waha,evolution   providers the endpoints are spread over, round-robin",
            "  --servers-per-provider=1        simulated servers per provider (each its own loopback port)",
            "  --ceiling-concurrency=32        requests in flight of the plain client",
            "  --ceiling-warmup-seconds=10     unmeasured time first (each plain-client JVM is fresh: JIT)",
            "  --ceiling-seconds=10            measured ceiling window",
            "  --paced-seconds=10              then the plain client evenly paced at the monitor's rate (endpoints /",
            "                                  interval), for latency at the same load (0 = skip)",
            "  --warmup-seconds=60             monitor time before its measured window (after it has started);",
            "                                  one interval, so the window sees the steady state: the first interval",
            "                                  publishes every endpoint's first verdict",
            "  --measure-seconds=60            measured monitor window (one interval checks every endpoint once)",
            "  --headroom-interval-seconds=0   a second monitor run at this shorter interval (0 = none), e.g. 20",
            "  --headroom-seconds=30           its measured window (after one of its intervals of warm-up)",
            "  --monitor-heap-mb=1024          -Xmx of the monitor JVM",
            "  --jfr=false                     record the (first) monitor JVM with JFR (settings=profile)",
            "Environment: HEALTH_* variables are passed to the monitor JVM.");

    private final Map<String, String> flags;
    private final long startedAt = System.nanoTime();
    private final ObjectMapper json = new ObjectMapper();
    private final List<String[]> rows = new ArrayList<>();
    private final Path logDir;
    private HealthBenchStack stack;
    private CpuSampler cpu;

    private HealthBenchmark(Map<String, String> flags, Path logDir) {
        this.flags = flags;
        this.logDir = logDir;
    }

    public static void main(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("endpoints", "100000");
        flags.put("interval-seconds", "60");
        flags.put("endpoints-per-tenant", "2");
        flags.put("providers", "cloud-api,waha,evolution");
        flags.put("servers-per-provider", "1");
        flags.put("ceiling-concurrency", "32");
        flags.put("ceiling-warmup-seconds", "10");
        flags.put("ceiling-seconds", "10");
        flags.put("paced-seconds", "10");
        flags.put("warmup-seconds", "60");
        flags.put("measure-seconds", "60");
        flags.put("headroom-interval-seconds", "0");
        flags.put("headroom-seconds", "30");
        flags.put("monitor-heap-mb", "1024");
        flags.put("jfr", "false");
        for (String a : args) {
            int eq = a.indexOf('=');
            String name = a.startsWith("--") && eq > 2 ? a.substring(2, eq) : null;
            if (name == null || !flags.containsKey(name)) {
                System.err.println(a.equals("--help") ? USAGE : "unknown flag: " + a + "\n" + USAGE);
                System.exit(a.equals("--help") ? 0 : 2);
            }
            flags.put(name, a.substring(eq + 1).trim());
        }
        Path logDir;
        try {
            logDir = Files.createTempDirectory("whatsapp-health-bench-");
        } catch (IOException e) {
            logDir = Path.of(".");
        }
        System.setProperty("bench.log.file", logDir.resolve("bench-parent.log").toString());
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "bench-logback.xml");
        }
        int code;
        try {
            code = new HealthBenchmark(flags, logDir).run();
        } catch (RuntimeException e) {
            System.err.println("bench: failed: " + e.getMessage());
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

    private int integer(String name, int min, int max) {
        try {
            int v = Integer.parseInt(flags.get(name));
            if (v < min || v > max) {
                throw new IllegalArgumentException("--" + name + " must be " + min + ".." + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number");
        }
    }

    private List<ProviderType> providers() {
        List<ProviderType> out = new ArrayList<>();
        for (String p : flags.get("providers").split(",")) {
            out.add(switch (p.trim()) {
                case "cloud-api" -> ProviderType.CLOUD_API;
                case "waha" -> ProviderType.WAHA;
                case "evolution" -> ProviderType.EVOLUTION;
                default -> throw new IllegalArgumentException("--providers: unknown provider " + p);
            });
        }
        return out;
    }

    private int run() {
        String loadAtStart = MachineInfo.loadAverage();
        int endpoints = integer("endpoints", 1, 1_000_000);
        int interval = integer("interval-seconds", 1, 3600);
        progress("Health monitor benchmark (issue 7)");
        progress("machine: " + MachineInfo.describe());
        progress("load average at start: " + loadAtStart + " (1/5/15 min)");
        progress("logs: " + logDir);
        String broker;
        try (HealthBenchStack s = HealthBenchStack.start(this::progress, providers(),
                integer("servers-per-provider", 1, 20))) {
            stack = s;
            Thread hook = new Thread(s::close, "bench-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            broker = s.brokerDescription();
            cpu = new CpuSampler(s.brokerPid());
            long t0 = System.nanoTime();
            s.seed(endpoints, integer("endpoints-per-tenant", 1, 1000), interval);
            progress(String.format("seeded %,d endpoints on %d simulated servers (%s) in %.1f s", endpoints,
                    s.servers().size(), flags.get("providers"), (System.nanoTime() - t0) / 1e9));
            try {
                ceiling();
                int paced = integer("paced-seconds", 0, 600);
                if (paced > 0) {
                    paced((int) Math.round(endpoints / (double) interval), paced);
                }
                monitor("monitor", interval, null,
                        integer("warmup-seconds", 0, 600), integer("measure-seconds", 1, 3600),
                        Boolean.parseBoolean(flags.get("jfr")), endpoints);
                int headroom = integer("headroom-interval-seconds", 0, 3600);
                if (headroom > 0) {
                    monitor("headroom", headroom, headroom, headroom, integer("headroom-seconds", 1, 600), false,
                            endpoints);
                }
            } finally {
                progress("stopping ...");
                s.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook closes the stack anyway
                }
            }
        }
        String rule = "=".repeat(118);
        StringBuilder b = new StringBuilder("\n").append(rule).append('\n');
        b.append("HEALTH MONITOR BENCHMARK (issue 7): one monitor, ").append(String.format("%,d", endpoints))
                .append(" endpoints, ").append(interval).append(" s interval, simulator answering at once\n");
        b.append(String.format("%-14s %s%n", "machine", MachineInfo.describe()));
        b.append(String.format("%-14s start %s, end %s (1/5/15 min)%n", "load average", loadAtStart,
                MachineInfo.loadAverage()));
        b.append(String.format("%-14s %s%n", "Kafka", broker));
        b.append("-".repeat(118)).append('\n');
        b.append(String.format("%-50s %-40s %-16s %s%n", "", "measured", "target", "verdict"));
        for (String[] r : rows) {
            b.append(String.format("%-50s %-40s %-16s %s%n", r[0], r[1], r[2], r[3]));
        }
        b.append("-".repeat(118)).append('\n');
        b.append(String.format("%-14s %s%n", "command", COMMAND));
        b.append(String.format("%-14s %s%n", "flags", flags.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))));
        b.append(String.format("%-14s %.0f s%n", "elapsed", (System.nanoTime() - startedAt) / 1e9));
        b.append(rule);
        System.out.println(b);
        return 0;
    }

    /** The plain client against the same routes, as fast as its requests in flight allow. */
    private HealthCheckSampler.Stats ceiling() {
        Map<String, String> env = targets();
        int conc = integer("ceiling-concurrency", 1, 10_000);
        env.put(HealthBenchChild.CONCURRENCY, Integer.toString(conc));
        try (HealthChildProcess child = HealthChildProcess.start("ceiling", env, List.of("-Xmx512m"),
                logDir.resolve("ceiling.log"))) {
            child.await("READY", Duration.ofSeconds(60));
            sleep(Duration.ofSeconds(integer("ceiling-warmup-seconds", 0, 600)));
            CpuSampler.Snapshot before = cpu.snapshot();
            child.begin();
            sleep(Duration.ofSeconds(integer("ceiling-seconds", 1, 600)));
            HealthCheckSampler.Stats st = child.end(json);
            CpuSampler.Snapshot after = cpu.snapshot();
            String around = around(before, after, st);
            progress(String.format("ceiling: %,.0f req/s, p50 %.2f ms, p99 %.2f ms, %.2f cores = %.0f µs/request"
                            + " | %s", st.perSecond(), st.p50Ms(), st.p99Ms(), st.cores(), st.cpuMicrosPerCheck(),
                    around));
            row("plain async client (ceiling), " + conc + " in flight", String.format("%,.0f req/s", st.perSecond()),
                    "", "");
            row("  latency p50 / p99", String.format("%.2f / %.2f ms", st.p50Ms(), st.p99Ms()), "", "");
            row("  CPU of its JVM", cpu(st, "request"), "", "");
            row("  errors (non-2xx or I/O)", Long.toString(st.down() + st.other()), "0",
                    verdict(st.down() + st.other() == 0));
            row("  elsewhere during the window", around, "", "");
            return st;
        }
    }

    /** The probe requests of every simulated server, for a plain-client JVM. */
    private Map<String, String> targets() {
        Map<String, String> env = new HashMap<>();
        env.put(HealthBenchChild.TARGETS, stack.servers().stream()
                .map(s -> s.probeUrl() + "\t" + s.header() + "\t" + s.headerValue())
                .collect(Collectors.joining("\n")));
        return env;
    }

    /** The plain client again, evenly paced at the monitor's rate: latency at the same load, without the monitor. */
    private void paced(int rate, int seconds) {
        Map<String, String> env = targets();
        // As many in flight as the monitor allows (HEALTH_MAX_CHECKS_PER_HOST, default 256, per server).
        env.put(HealthBenchChild.CONCURRENCY, Integer.toString(256 * stack.servers().size()));
        env.put(HealthBenchChild.RATE, Integer.toString(rate));
        try (HealthChildProcess child = HealthChildProcess.start("ceiling", env, List.of("-Xmx512m"),
                logDir.resolve("paced.log"))) {
            child.await("READY", Duration.ofSeconds(60));
            sleep(Duration.ofSeconds(integer("ceiling-warmup-seconds", 0, 600)));
            CpuSampler.Snapshot before = cpu.snapshot();
            child.begin();
            sleep(Duration.ofSeconds(seconds));
            HealthCheckSampler.Stats st = child.end(json);
            CpuSampler.Snapshot after = cpu.snapshot();
            String around = around(before, after, st);
            progress(String.format("paced plain client: %,.0f req/s, p50 %.2f ms, p99 %.2f ms, %.2f cores = %.0f"
                            + " µs/request | %s", st.perSecond(), st.p50Ms(), st.p99Ms(), st.cores(),
                    st.cpuMicrosPerCheck(), around));
            row("plain client paced at " + String.format("%,d", rate) + "/s (the monitor's rate)",
                    String.format("%,.0f req/s", st.perSecond()), "", "");
            row("  latency p50 / p99", String.format("%.2f / %.2f ms", st.p50Ms(), st.p99Ms()), "", "");
            row("  CPU of its JVM", cpu(st, "request"), "", "");
            row("  errors (non-2xx or I/O)", Long.toString(st.down() + st.other()), "0",
                    verdict(st.down() + st.other() == 0));
            row("  elsewhere during the window", around, "", "");
        }
    }

    /**
     * One monitor JVM: started (its start-up is timed: it reads every compacted view first), warmed up, measured.
     *
     * @param overrideSeconds HEALTH_CHECK_INTERVAL_OVERRIDE_MS for the headroom run, null for the tenants' own
     */
    private HealthCheckSampler.Stats monitor(String label, int interval, Integer overrideSeconds, int warmupSeconds,
                                             int measureSeconds, boolean jfr, int endpoints) {
        Map<String, String> env = new HashMap<>(stack.monitorEnv(interval));
        // A loaded machine may take longer than the default minute to read 100,000 endpoints.
        env.put("HEALTH_STARTUP_TIMEOUT_MS", "300000");
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("HEALTH_")) {
                env.put(k, v);
            }
        });
        if (overrideSeconds != null) {
            env.put("HEALTH_CHECK_INTERVAL_OVERRIDE_MS", Long.toString(overrideSeconds * 1000L));
        }
        env.put(HealthBenchChild.INTERVAL_MS, Long.toString(interval * 1000L));
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + integer("monitor-heap-mb", 64, 65_536) + "m"));
        if (jfr) {
            Path file = logDir.resolve(label + ".jfr");
            jvm.add("-XX:StartFlightRecording=filename=" + file + ",settings=profile,dumponexit=true");
            progress("JFR recording of the monitor JVM: " + file);
        }
        long t0 = System.nanoTime();
        try (HealthChildProcess child = HealthChildProcess.start("monitor", env, jvm,
                logDir.resolve(label + ".log"))) {
            child.await("READY", Duration.ofSeconds(330));
            double startup = (System.nanoTime() - t0) / 1e9;
            progress(String.format("%s: monitor JVM started in %.1f s (read the views, joined the group);"
                    + " warming up %d s", label, startup, warmupSeconds));
            sleep(Duration.ofSeconds(warmupSeconds));
            long healthBefore = stack.healthRecords();
            CpuSampler.Snapshot before = cpu.snapshot();
            child.begin();
            sleep(Duration.ofSeconds(measureSeconds));
            HealthCheckSampler.Stats st = child.end(json);
            CpuSampler.Snapshot after = cpu.snapshot();
            long healthAfter = stack.healthRecords();
            String around = around(before, after, st);
            double offered = endpoints / (double) (overrideSeconds != null ? overrideSeconds : interval);
            double published = (healthAfter - healthBefore) / (st.wallNanos() / 1e9);
            progress(String.format("%s: %,.0f checks/s (offered %,.0f/s), p50 %.2f ms, p99 %.2f ms, late p99 %.0f ms,"
                            + " %d over 1 s late, %,d endpoints seen, %.2f cores = %.0f µs/check, GC %d ms, heap %d MiB,"
                            + " health records %,.0f/s | %s", label, st.perSecond(), offered, st.p50Ms(), st.p99Ms(),
                    st.lateP99Ms(), st.lateOver1s(), st.distinct(), st.cores(), st.cpuMicrosPerCheck(),
                    st.gcMillis(), st.heapUsedMb(), published, around));
            boolean full = measureSeconds >= (overrideSeconds != null ? overrideSeconds : interval);
            String name = overrideSeconds == null ? "health monitor, " + interval + " s interval"
                    : "headroom: same monitor, " + overrideSeconds + " s interval";
            row(name, String.format("%,.0f checks/s", st.perSecond()), String.format(">= %,.0f/s", offered * 0.98),
                    verdict(st.perSecond() >= offered * 0.98));
            row("  started in (views read, group joined)", String.format("%.1f s", startup), "", "");
            row("  endpoints checked in the window", String.format("%,d of %,d", st.distinct(), endpoints),
                    full ? "all" : "", full ? verdict(st.distinct() == endpoints) : "");
            row("  late checks (> 1 s after due) / lateness p99", String.format("%,d / %.0f ms", st.lateOver1s(),
                    st.lateP99Ms()), "0", verdict(st.lateOver1s() == 0));
            row("  check latency p50 / p99 / max", String.format("%.2f / %.2f / %.0f ms", st.p50Ms(), st.p99Ms(),
                    st.maxMs()), "", "");
            row("  CPU of the monitor JVM", cpu(st, "check"), "", "");
            row("  GC time / heap in use at the end", String.format("%,d ms / %d MiB", st.gcMillis(),
                    st.heapUsedMb()), "", "");
            row("  results up / down / other", String.format("%,d / %,d / %,d", st.up(), st.down(), st.other()),
                    "all up", verdict(st.down() + st.other() == 0));
            row("  health records published", String.format("%,.0f/s", published), "", "");
            row("  elsewhere during the window", around, "", "");
            return st;
        }
    }

    /** "0.38 cores, 228 µs/check (JIT 1.2 s)": process CPU time over wall time, per check, and compilation time. */
    private static String cpu(HealthCheckSampler.Stats st, String unit) {
        return String.format("%.2f cores, %.0f µs/%s (JIT %.1f s)", st.cores(), st.cpuMicrosPerCheck(), unit,
                st.jitMillis() / 1e3);
    }

    /** CPU elsewhere in the window: the simulator (this JVM), the broker, other processes, the machine. */
    private String around(CpuSampler.Snapshot a, CpuSampler.Snapshot b, HealthCheckSampler.Stats child) {
        double wall = child.wallNanos();
        double sim = (b.jvmNanos() - a.jvmNanos()) / wall;
        double broker = (b.brokerNanos() - a.brokerNanos()) / wall;
        String machine = "?";
        String others = "?";
        if (a.machineAllJiffies() >= 0 && b.machineAllJiffies() > a.machineAllJiffies()) {
            double m = (double) (b.machineBusyJiffies() - a.machineBusyJiffies())
                    / (b.machineAllJiffies() - a.machineAllJiffies()) * b.machineCpus();
            machine = String.format("%.2f", m);
            others = String.format("%.2f", Math.max(0, m - sim - broker - child.cores()));
        }
        return String.format("simulator %.2f, broker %.2f, other processes %s, machine %s cores", sim, broker,
                others, machine);
    }

    private void row(String name, String measured, String target, String verdict) {
        rows.add(new String[]{name, measured, target, verdict});
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static void sleep(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private void progress(String line) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - startedAt) / 1e9, line);
    }
}
