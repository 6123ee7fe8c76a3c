package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.endpoint.Endpoint;
import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.net.EndpointUrlGuard;
import com.booqing.whatsapp.health.CloudApiProbe;
import com.booqing.whatsapp.health.EndpointProbe;
import com.booqing.whatsapp.health.EvolutionProbe;
import com.booqing.whatsapp.health.Probes;
import com.booqing.whatsapp.health.WahaProbe;
import com.booqing.whatsapp.health.device.SessionApis;
import com.booqing.whatsapp.health.provider.EvolutionSessionApi;
import com.booqing.whatsapp.health.provider.ProviderHttp;
import com.booqing.whatsapp.health.provider.WahaSessionApi;
import com.booqing.whatsapp.health.HealthMonitor;
import com.booqing.whatsapp.health.HealthMonitorMain;
import com.booqing.whatsapp.health.HealthSettings;
import com.booqing.whatsapp.health.ProbeResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of {@link HealthBenchmark}, so that its CPU time is exactly that of what is measured. Mode
 * {@code monitor}: one health monitor built as {@code HealthMonitorMain} builds it (from the environment), each
 * probe timed. Mode {@code ceiling}: a plain JDK {@link HttpClient} sending the same probe requests as fast as a
 * fixed number of requests in flight allows. It prints {@code @@ READY} when running, then answers the parent's
 * lines on stdin: {@code BEGIN} (start of the measured window), {@code END} (prints {@code @@ STATS <json>}),
 * {@code QUIT}. It exits when stdin closes, so it never outlives the benchmark.
 */
public final class HealthBenchChild {
    static {
        // As HealthMonitorMain does before anything else; the ceiling client gets the same JVM settings. Looked up
        // by name so that this class also runs an older monitor (BENCH_JVM_DEFAULTS=false, or a build without it),
        // for a before-and-after comparison.
        if (!"false".equals(System.getenv("BENCH_JVM_DEFAULTS"))) {
            try {
                HealthMonitorMain.class.getMethod("jvmDefaults").invoke(null);
            } catch (ReflectiveOperationException olderMonitor) {
                System.err.println("bench: this monitor has no jvmDefaults(); running without");
            }
        }
    }

    static final String PREFIX = "@@ ";
    /** BENCH_CEILING_TARGETS: lines of {@code url \t header-name \t header-value}. */
    static final String TARGETS = "BENCH_CEILING_TARGETS";
    static final String CONCURRENCY = "BENCH_CEILING_CONCURRENCY";
    /** Requests per second, evenly spaced (open loop); 0 or absent: as fast as the requests in flight allow. */
    static final String RATE = "BENCH_CEILING_RATE";
    static final String INTERVAL_MS = "BENCH_CHECK_INTERVAL_MS";

    private HealthBenchChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !(args[0].equals("monitor") || args[0].equals("ceiling"))) {
            System.err.println("usage: HealthBenchChild monitor|ceiling (started by HealthBenchmark)");
            System.exit(2);
        }
        Env env = Env.system();
        boolean monitor = args[0].equals("monitor");
        HealthCheckSampler sampler = new HealthCheckSampler(monitor
                ? TimeUnit.MILLISECONDS.toNanos(Long.parseLong(env.required(INTERVAL_MS))) : 0);
        AutoCloseable running = monitor ? startMonitor(env, sampler) : Ceiling.start(env, sampler);
        ObjectMapper json = new ObjectMapper();
        say("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "BEGIN" -> {
                    sampler.begin();
                    say("BEGUN");
                }
                case "END" -> say("STATS " + json.writeValueAsString(sampler.end()));
                case "QUIT" -> {
                    running.close();
                    say("BYE");
                    System.exit(0);
                }
                default -> say("ERROR unknown command " + line);
            }
        }
        running.close();
        System.exit(0);
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(PREFIX + line);
            System.out.flush();
        }
    }

    /** Built as {@code HealthMonitor.create} builds it, with each standard probe timed. */
    private static AutoCloseable startMonitor(Env env, HealthCheckSampler sampler) {
        GatewayConfig config = GatewayConfig.from(env);
        HealthSettings settings = HealthSettings.from(env, config);
        SecretBox secrets = SecretBox.fromEnv(env);
        Topics topics = Topics.withPrefix(config.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        Duration connectTimeout = config.defaultTimeout().compareTo(Duration.ofSeconds(10)) < 0
                ? config.defaultTimeout() : Duration.ofSeconds(10);
        ProviderHttp http = new ProviderHttp(ProviderHttp.httpClient(connectTimeout), EndpointUrlGuard.from(config));
        Probes probes = new Probes(List.of(new Timed(new CloudApiProbe(http), sampler),
                new Timed(new WahaProbe(http), sampler), new Timed(new EvolutionProbe(http), sampler)), secrets);
        SessionApis sessionApis = new SessionApis(List.of(new WahaSessionApi(http), new EvolutionSessionApi(http)),
                secrets, config.defaultTimeout());
        return new HealthMonitor(config, settings, topics, probes, sessionApis, secrets, Clock.systemUTC(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start();
    }

    /** A probe whose every call is counted and timed, from the call to its result. */
    private record Timed(EndpointProbe real, HealthCheckSampler sampler) implements EndpointProbe {
        @Override
        public ProviderType provider() {
            return real.provider();
        }

        @Override
        public CompletableFuture<ProbeResult> probe(Endpoint endpoint, String secretApiKey, Duration timeout) {
            long t = sampler.started(endpoint.id());
            return real.probe(endpoint, secretApiKey, timeout).whenComplete((r, e) -> sampler.finished(t,
                    r instanceof ProbeResult.Up ? HealthCheckSampler.Outcome.UP
                            : r instanceof ProbeResult.Down ? HealthCheckSampler.Outcome.DOWN
                            : HealthCheckSampler.Outcome.OTHER));
        }
    }

    /**
     * The ceiling: the same GETs with a plain asynchronous client and nothing else; either as fast as a fixed number of
     * requests in flight allows, or evenly spaced at a given rate (to compare latency at the monitor's own rate).
     */
    private static final class Ceiling implements AutoCloseable {
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private final List<HttpRequest> requests = new ArrayList<>();
        private final Semaphore inFlight;
        private final int rate;
        private final HealthCheckSampler sampler;
        private final Thread driver;
        private volatile boolean running = true;

        private Ceiling(Env env, HealthCheckSampler sampler) {
            this.sampler = sampler;
            for (String line : env.required(TARGETS).split("\n")) {
                String[] f = line.split("\t");
                requests.add(HttpRequest.newBuilder(URI.create(f[0])).header(f[1], f[2])
                        .header("Accept", "application/json").timeout(Duration.ofSeconds(10)).GET().build());
            }
            this.inFlight = new Semaphore(env.integer(CONCURRENCY, 32, 1, 10_000));
            this.rate = env.integer(RATE, 0, 0, 1_000_000);
            this.driver = new Thread(this::drive, "ceiling-driver");
            driver.setDaemon(true);
        }

        static Ceiling start(Env env, HealthCheckSampler sampler) {
            Ceiling c = new Ceiling(env, sampler);
            c.driver.start();
            return c;
        }

        private void drive() {
            long i = 0;
            long start = System.nanoTime();
            double spacing = rate > 0 ? 1e9 / rate : 0;
            try {
                while (running) {
                    if (rate > 0) {
                        long due = start + (long) (i * spacing);
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    inFlight.acquire();
                    HttpRequest r = requests.get((int) (i++ % requests.size()));
                    long t = sampler.started(null);
                    client.sendAsync(r, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((res, err) -> {
                        inFlight.release();
                        sampler.finished(t, err == null && res.statusCode() / 100 == 2
                                ? HealthCheckSampler.Outcome.UP : HealthCheckSampler.Outcome.DOWN);
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            driver.interrupt();
            driver.join(5_000);
        }
    }
}
