package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.simulator.SimEndpoint;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import com.booqing.whatsapp.simulator.cloudapi.CloudApiSettings;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one provider call costs the caller's JVM, with the JDK's {@code HttpClient} (blocking {@code send}, as the
 * sender used it) and with Apache HttpClient 5 classic (blocking I/O on the calling thread), with its full chain and as
 * the minimal client the sender now uses, side by side in one run against the same in-process simulator number:
 * rounds alternate the clients and the medians are printed.
 * CPU per call counts every thread of this JVM except the simulator's ({@code sim-*}), the JIT compilers and GC;
 * CPU time is what the caller pays whatever else the machine is doing, so it is steadier than the rates. "jdk" is
 * the client as built by default (HTTP/2 preferred: plain-http connections offer an h2c upgrade), "jdk11" the same
 * client pinned to HTTP/1.1.
 * <p>
 * {@code java -cp "bench/target/bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" com.booqing.whatsapp.bench.HttpClientCost
 * [threads=32] [rounds=3] [seconds=4] [clients=jdk,jdk11,apache,minimal]}
 */
public final class HttpClientCost {
    private static final String PHONE = "100000000000001";
    private static final String TOKEN = "cost-token-0123456789";
    private static final byte[] BODY = ("{\"messaging_product\":\"whatsapp\",\"recipient_type\":\"individual\","
            + "\"to\":\"4915110000001\",\"type\":\"text\",\"text\":{\"body\":\"Your appointment is confirmed\"}}")
            .getBytes(StandardCharsets.UTF_8);
    private static final int MAX_ANSWER = 64 * 1024;
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private interface Caller extends AutoCloseable {
        int call() throws Exception;

        @Override
        void close() throws IOException;
    }

    private record Round(String client, double callsPerSecond, double clientMicrosPerCall, double simMicrosPerCall,
                         long errors) {
    }

    public static void main(String[] args) throws Exception {
        int threads = arg(args, "threads", 32);
        int rounds = arg(args, "rounds", 3);
        int seconds = arg(args, "seconds", 4);
        List<String> names = List.of(argText(args, "clients", "jdk,jdk11,apache,minimal").split(","));
        try (Simulator sim = new Simulator(SimulatorConfig.defaults()).start(0)) {
            SimEndpoint ep = sim.registerCloudApi("cost", CloudApiSettings.of(PHONE, TOKEN, "cost-secret"), null,
                    false);
            URI uri = URI.create(ep.apiUrl() + "/v23.0/" + PHONE + "/messages");
            System.out.printf(Locale.ROOT, "HttpClientCost: %d threads, %d rounds of %d s per client (%s), %s%n",
                    threads, rounds, seconds, String.join(", ", names), MachineInfo.describe());
            Map<String, Caller> callers = new LinkedHashMap<>();
            try {
                for (String name : names) {
                    callers.put(name, caller(name, uri, threads));
                }
                for (Map.Entry<String, Caller> c : callers.entrySet()) {
                    run("warm-up " + c.getKey(), c.getValue(), threads, Duration.ofSeconds(5));
                }
                Map<String, List<Round>> results = new LinkedHashMap<>();
                for (int r = 0; r < rounds; r++) {
                    for (Map.Entry<String, Caller> c : callers.entrySet()) {
                        results.computeIfAbsent(c.getKey(), k -> new ArrayList<>())
                                .add(print(run(c.getKey(), c.getValue(), threads, Duration.ofSeconds(seconds))));
                    }
                }
                System.out.println();
                Round first = null;
                for (List<Round> rs : results.values()) {
                    Round m = median(rs);
                    first = first == null ? m : first;
                    System.out.printf(Locale.ROOT, "median %-8s %,8.0f calls/s, %4.0f µs client CPU per call (%.2f of "
                                    + "%s), simulator %.0f µs per call%n", m.client(), m.callsPerSecond(),
                            m.clientMicrosPerCall(), m.clientMicrosPerCall() / first.clientMicrosPerCall(),
                            first.client(), m.simMicrosPerCall());
                }
            } finally {
                for (Caller c : callers.values()) {
                    c.close();
                }
            }
        }
    }

    /**
     * "jdk", "jdk11": the JDK client (HTTP/2 preferred, or pinned to 1.1); "apache": Apache HttpClient 5 classic
     * with its full chain of steps (redirects, authentication, compression... switched off where it can be);
     * "minimal": the same connection pool behind {@code HttpClients.createMinimal}, as the sender calls providers.
     */
    private static Caller caller(String name, URI uri, int threads) {
        return switch (name) {
            case "jdk" -> jdk(uri, HttpClient.Version.HTTP_2);
            case "jdk11" -> jdk(uri, HttpClient.Version.HTTP_1_1);
            case "apache" -> apache(uri, threads, false);
            case "minimal" -> apache(uri, threads, true);
            default -> throw new IllegalArgumentException("unknown client " + name
                    + " (jdk, jdk11, apache, minimal)");
        };
    }

    private static Caller jdk(URI uri, HttpClient.Version version) {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).version(version)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
        return new Caller() {
            @Override
            public int call() throws Exception {
                HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                return r.statusCode();
            }

            @Override
            public void close() {
                // JDK 17's client has no close; its threads are daemons.
            }
        };
    }

    private static Caller apache(URI uri, int threads, boolean minimal) {
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(threads * 2).setMaxConnPerRoute(threads * 2)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(5))
                        .setSocketTimeout(Timeout.ofSeconds(10)).build())
                .build();
        CloseableHttpClient client = minimal ? HttpClients.createMinimal(pool)
                : HttpClients.custom().setConnectionManager(pool).disableRedirectHandling()
                .disableAutomaticRetries().disableCookieManagement().disableAuthCaching()
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(10)).build())
                .build();
        RequestConfig config = RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(10)).build();
        return new Caller() {
            @Override
            public int call() throws Exception {
                HttpPost post = new HttpPost(uri);
                post.setConfig(config);
                post.setHeader("Accept", "application/json");
                post.setHeader("Authorization", "Bearer " + TOKEN);
                post.setEntity(new ByteArrayEntity(BODY, ContentType.APPLICATION_JSON));
                return client.execute(post, response -> {
                    try (InputStream in = response.getEntity() == null ? InputStream.nullInputStream()
                            : response.getEntity().getContent()) {
                        in.readNBytes(MAX_ANSWER);
                    }
                    return response.getCode();
                });
            }

            @Override
            public void close() throws IOException {
                client.close();
            }
        };
    }

    private static Round run(String name, Caller caller, int threads, Duration length) throws InterruptedException {
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        // The callers' own CPU, taken by each before it ends: a thread that has ended is gone from /proc, so the
        // snapshots below see only the threads that outlive the round (a client's own I/O threads).
        AtomicLong callerNanos = new AtomicLong();
        long[] before = cpu();
        long started = System.nanoTime();
        long deadline = started + length.toNanos();
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                long cpuAtStart = THREADS.getCurrentThreadCpuTime();
                try {
                    while (System.nanoTime() < deadline) {
                        try {
                            if (caller.call() == 200) {
                                ok.incrementAndGet();
                            } else {
                                errors.incrementAndGet();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                    }
                } finally {
                    callerNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpuAtStart);
                    done.countDown();
                }
            }, "caller-" + t);
            worker.setDaemon(true);
            worker.start();
        }
        done.await();
        double secs = (System.nanoTime() - started) / 1e9;
        long[] after = cpu();
        long calls = Math.max(1, ok.get());
        return new Round(name, ok.get() / secs, (after[0] - before[0] + callerNanos.get()) / 1e3 / calls,
                (after[1] - before[1]) / 1e3 / calls, errors.get());
    }

    private static Round print(Round r) {
        System.out.printf(Locale.ROOT, "  %-7s %,8.0f calls/s   client %5.0f µs CPU/call   simulator %5.0f µs/call   "
                + "errors %d%n", r.client(), r.callsPerSecond(), r.clientMicrosPerCall(), r.simMicrosPerCall(),
                r.errors());
        return r;
    }

    private static Round median(List<Round> rounds) {
        return new Round(rounds.get(0).client(),
                Stats.median(rounds.stream().mapToDouble(Round::callsPerSecond).toArray()),
                Stats.median(rounds.stream().mapToDouble(Round::clientMicrosPerCall).toArray()),
                Stats.median(rounds.stream().mapToDouble(Round::simMicrosPerCall).toArray()), 0);
    }

    /** CPU nanoseconds of [client threads, simulator threads] from /proc/self/task; JIT and GC left out. */
    private static long[] cpu() {
        long client = 0;
        long sim = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String name;
                String stat;
                try {
                    name = Files.readString(task.resolve("comm")).trim();
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long nanos = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
                if (name.startsWith("sim-")) {
                    sim += nanos;
                } else if (!name.startsWith("C1 ") && !name.startsWith("C2 ") && !name.startsWith("GC ")
                        && !name.startsWith("G1 ") && !name.startsWith("VM ")) {
                    client += nanos;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/task", e);
        }
        return new long[]{client, sim};
    }

    private static String argText(String[] args, String name, String dflt) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return dflt;
    }

    private static int arg(String[] args, String name, int dflt) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return dflt;
    }
}
