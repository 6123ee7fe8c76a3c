package com.booqing.whatsapp.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark's flags, {@code --name=value}. Every phase is bounded by its duration; the defaults keep the
 * whole run under three minutes on a two-core machine.
 *
 * @param connections        concurrent keep-alive connections of the max-throughput phases (bare and ingress alike)
 * @param rounds             bare/ingress round pairs (bare runs once more at the end: B I B I ... B)
 * @param round              length of one max-throughput round
 * @param warmup             the most time the warm-up may take (it stops earlier once the JIT has settled)
 * @param bodies             distinct signed webhooks the throughput phases rotate through
 * @param latencyConnections connections of the open-loop phases (latency at half rate, webhook-to-Redis)
 * @param latency            length of the open-loop latency phase (at half the measured ingress rate)
 * @param latencyWarmup      unmeasured open loop at the same rate first: the closed-loop rounds ran by wrk, so
 *                           the Java generator's open-loop code would otherwise be compiled during the measurement
 * @param redisRate          webhooks per second of the webhook-to-Redis phase
 * @param redis              length of the webhook-to-Redis phase
 * @param redisDrain         how long to wait after that phase for the last webhooks to reach Redis
 * @param redisWarmup        unmeasured webhooks through the pipeline first, so that the JIT has compiled the
 *                           processor's code when the measured phase starts
 * @param accessLogDiagnostic one extra ingress round with the access log switched off, to show its cost
 * @param handlerDiagnostic  rounds against two Kafka-only reference handlers (blocking send().get() and
 *                           asynchronous ctx.future), to show what waiting on the request thread costs
 * @param driver             what drives the closed-loop rounds: "wrk" (a separate C process), "java" (the
 *                           in-process raw-socket generator), or "auto" (wrk when it is on the PATH)
 * @param wrkThreads         wrk's threads (-t)
 * @param hops               whether the webhook-to-Redis phase runs the hop probe (three more consumers on the
 *                           broker, one of them fetching every raw webhook as it lands: a load of its own, about
 *                           0.1 core of the broker, which moved that phase's p99 from 37-116 ms to 67-216 ms)
 * @param phases             "all", or "pipeline": only the webhook-to-Redis phase (with its warm-up), on a broker
 *                           and JVMs that have not just absorbed the closed-loop rounds' millions of records
 */
record BenchOptions(int connections, int rounds, Duration round, Duration warmup, int bodies,
                    int latencyConnections, Duration latency, Duration latencyWarmup, int redisRate, Duration redis, Duration redisDrain,
                    Duration redisWarmup, boolean accessLogDiagnostic, boolean handlerDiagnostic, String driver, int wrkThreads,
                    boolean hops, String phases) {

    static final String USAGE = String.join("\n",
            "IngestBenchmark [--name=value ...]",
            "  --connections=32           connections of the max-throughput rounds (bare and ingress)",
            "  --rounds=3                 bare/ingress round pairs; medians are reported",
            "  --round-seconds=3          length of one max-throughput round",
            "  --warmup-seconds=60        most time for the warm-up (bare 2 s / ingress 3 s slices until the JIT settles)",
            "  --bodies=1000              distinct signed webhooks rotated through",
            "  --latency-connections=64   connections of the open-loop phases (latency and webhook-to-Redis)",
            "  --latency-seconds=10       open-loop phase at half the measured ingress rate",
            "  --latency-warmup-seconds=5 the same open loop first, unmeasured (JIT of the Java generator)",
            "  --redis-rate=1000          webhooks/s of the webhook-to-Redis phase",
            "  --redis-seconds=20         length of the webhook-to-Redis phase",
            "  --redis-drain-seconds=10   wait for the last webhooks to reach Redis",
            "  --redis-warmup-seconds=40  unmeasured webhooks through the pipeline first (JIT of the processor)",
            "  --access-log-diagnostic=true  one more ingress round with the access log off",
            "  --handler-diagnostic=false    also measure Kafka-only reference handlers, blocking and async (+~30 s)",
            "  --driver=auto              closed-loop rounds by wrk (auto: when on the PATH) or by the Java generator (java)",
            "  --wrk-threads=1            wrk's threads (-t)",
            "  --hops=false               the hop probe in the webhook-to-Redis phase (three consumers of its own)",
            "  --phases=all               all, or pipeline: only the webhook-to-Redis phase (and its warm-up)",
            "Environment: REDIS_URL (used when it answers PING, else a Redis is started).");

    static BenchOptions parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                throw new UsageException(null);
            }
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new UsageException("not a --name=value flag: " + a);
            }
            given.put(a.substring(2, eq), a.substring(eq + 1));
        }
        BenchOptions o = new BenchOptions(
                integer(given, "connections", 32, 1, 1024),
                integer(given, "rounds", 3, 1, 20),
                seconds(given, "round-seconds", 3, 1, 60),
                seconds(given, "warmup-seconds", 60, 0, 300),
                integer(given, "bodies", 1000, 1, 100_000),
                integer(given, "latency-connections", 64, 1, 1024),
                seconds(given, "latency-seconds", 10, 1, 120),
                seconds(given, "latency-warmup-seconds", 5, 0, 120),
                integer(given, "redis-rate", 1000, 1, 20_000),
                seconds(given, "redis-seconds", 20, 1, 120),
                seconds(given, "redis-drain-seconds", 10, 1, 120),
                seconds(given, "redis-warmup-seconds", 40, 1, 120),
                bool(given, "access-log-diagnostic", true),
                bool(given, "handler-diagnostic", false),
                choice(given, "driver", "auto", "auto", "wrk", "java"),
                integer(given, "wrk-threads", 1, 1, 16),
                bool(given, "hops", false),
                choice(given, "phases", "all", "all", "pipeline"));
        if (!given.isEmpty()) {
            throw new UsageException("unknown flag(s): " + given.keySet());
        }
        return o;
    }

    /** All flags as given or defaulted, so that a printed run can be repeated exactly. */
    String describe() {
        return String.format("--connections=%d --rounds=%d --round-seconds=%d --warmup-seconds=%d --bodies=%d"
                        + " --latency-connections=%d --latency-seconds=%d --latency-warmup-seconds=%d"
                        + " --redis-rate=%d --redis-seconds=%d"
                        + " --redis-drain-seconds=%d --redis-warmup-seconds=%d --access-log-diagnostic=%b"
                        + " --handler-diagnostic=%b --driver=%s --wrk-threads=%d --hops=%b --phases=%s",
                connections, rounds, round.toSeconds(), warmup.toSeconds(), bodies, latencyConnections,
                latency.toSeconds(), latencyWarmup.toSeconds(), redisRate, redis.toSeconds(), redisDrain.toSeconds(), redisWarmup.toSeconds(),
                accessLogDiagnostic, handlerDiagnostic, driver, wrkThreads, hops, phases);
    }

    private static int integer(Map<String, String> given, String name, int def, int min, int max) {
        String v = given.remove(name);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new UsageException("--" + name + " must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number");
        }
    }

    private static Duration seconds(Map<String, String> given, String name, int def, int min, int max) {
        return Duration.ofSeconds(integer(given, name, def, min, max));
    }

    private static String choice(Map<String, String> given, String name, String def, String... allowed) {
        String v = given.remove(name);
        if (v == null) {
            return def;
        }
        for (String a : allowed) {
            if (a.equals(v.trim())) {
                return a;
            }
        }
        throw new UsageException("--" + name + " must be one of " + String.join(", ", allowed));
    }

    private static boolean bool(Map<String, String> given, String name, boolean def) {
        String v = given.remove(name);
        if (v == null) {
            return def;
        }
        return switch (v.trim().toLowerCase()) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new UsageException("--" + name + " must be true or false");
        };
    }

    /** A bad or help flag: main prints the message (if any) and the usage. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
