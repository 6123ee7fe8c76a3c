package com.booqing.whatsapp.reliability.harness;

import com.booqing.whatsapp.testkit.canary.CanaryAudit;
import com.booqing.whatsapp.devstack.ChildProcess;
import com.booqing.whatsapp.devstack.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One service as a child JVM, started the way devstack's local stack starts it
 * ({@code java -cp <module>/target/<module>-<version>.jar:<module>/target/lib/* <MainClass>}), so that a test can
 * {@link #kill9()}, {@link #pause()} and {@link #resume()} it and {@link #restart()} it with the same environment.
 * The environment is given explicitly (only {@code PATH}, {@code HOME} and {@code JAVA_HOME} are inherited), and
 * its output goes to {@code <logDir>/<name>.log}, appended across restarts. devstack's {@link ChildProcess} guard
 * makes sure that the child never outlives the test JVM, even a test JVM killed outright.
 *
 * <pre>{@code
 * Map<String, String> env = ServiceJvm.baseEnv(bootstrap, redisUrl, prefix, namespace, keys);
 * try (ServiceJvm p = ServiceJvm.start(Service.PROCESSOR, "processor-1", env, logDir)) {
 *     p.awaitReady(Duration.ofSeconds(60));
 *     p.kill9();
 *     p.restart().awaitReady(Duration.ofSeconds(60));
 * }
 * }</pre>
 */
public final class ServiceJvm implements AutoCloseable {
    /** A small heap, a serial collector and C1 only: several of these share two cores with the test itself. */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of(
            "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true");

    private final Service service;
    private final String name;
    private final Map<String, String> env;
    private final List<String> jvmOptions;
    private final List<String> args;
    private final Path logDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private volatile ChildProcess process;
    private volatile boolean paused;
    private int starts;

    private ServiceJvm(Service service, String name, Map<String, String> env, List<String> jvmOptions,
                       List<String> args, Path logDir) {
        this.service = service;
        this.name = name;
        this.env = env;
        this.jvmOptions = jvmOptions;
        this.args = args;
        this.logDir = logDir;
    }

    /**
     * Starts the service. When {@code env} lacks the service's port variable (INGRESS_PORT,
     * PROCESSOR_METRICS_PORT, ...), a free loopback port is chosen and kept across restarts ({@link #port()}).
     */
    public static ServiceJvm start(Service service, String name, Map<String, String> env, Path logDir) {
        return start(service, name, env, DEFAULT_JVM_OPTIONS, List.of(), logDir);
    }

    public static ServiceJvm start(Service service, String name, Map<String, String> env, List<String> jvmOptions,
                                   List<String> args, Path logDir) {
        Map<String, String> e = new LinkedHashMap<>(env);
        if (service.portVariable() != null && !e.containsKey(service.portVariable())) {
            e.put(service.portVariable(), Integer.toString(FreePorts.next()));
        }
        if (service == Service.PROCESSOR && !e.containsKey("PROCESSOR_STATE_DIR")) {
            // Kept across restarts like a real instance's disk; a killed instance restores from it.
            e.put("PROCESSOR_STATE_DIR", logDir.resolve(name + "-state").toString());
        }
        e.putIfAbsent("LOG_FORMAT", "plain");
        ServiceJvm jvm = new ServiceJvm(service, name, Map.copyOf(e), List.copyOf(jvmOptions), List.copyOf(args), logDir);
        jvm.launch();
        return jvm;
    }

    /**
     * The variables every service reads: broker, Redis, topic prefix, Redis namespace, encryption keys; private
     * endpoint URLs allowed (everything is on loopback). Add service-specific ones (ports, application ids) to a copy.
     */
    public static Map<String, String> baseEnv(String bootstrap, String redisUrl, String topicPrefix,
                                              String redisNamespace, String encryptionKeys) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("REDIS_URL", redisUrl);
        env.put("WHATSAPP_TOPIC_PREFIX", topicPrefix);
        env.put("WHATSAPP_REDIS_NAMESPACE", redisNamespace);
        env.put("WHATSAPP_ENCRYPTION_KEYS", encryptionKeys);
        env.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true");
        env.put("METRICS_HOST", "127.0.0.1");
        env.put("LOG_FORMAT", "plain");
        return env;
    }

    private synchronized void launch() {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(Project.classpath(service.module()));
        cmd.add(service.mainClass());
        cmd.addAll(args);
        Map<String, String> childEnv = new LinkedHashMap<>();
        for (String inherited : List.of("PATH", "HOME", "JAVA_HOME", "TMPDIR", "LANG")) {
            Optional.ofNullable(System.getenv(inherited)).ifPresent(v -> childEnv.put(inherited, v));
        }
        childEnv.putAll(env);
        try {
            // ChildProcess adds our map to the inherited environment; blank out what we do not pass on.
            Map<String, String> full = new LinkedHashMap<>();
            System.getenv().keySet().forEach(k -> full.put(k, ""));
            full.putAll(childEnv);
            process = ChildProcess.start(name, cmd, full, logDir.resolve(name + ".log"), Project.dir());
            CanaryAudit.childLog(process.logFile()); // searched for secret canaries when the test JVM ends
            starts++;
            paused = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public Service service() {
        return service;
    }

    /** The environment it runs with (a copy to change for a sibling instance). */
    public Map<String, String> env() {
        return env;
    }

    /** Its HTTP port (ingress, simulator) or metrics port (processor, sender, health monitor). */
    public int port() {
        return Integer.parseInt(env.get(service.portVariable()));
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** The java process's pid (not the guard shell's). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int starts() {
        return starts;
    }

    public Path logFile() {
        return process.logFile();
    }

    /**
     * Waits until the service answers 200 on its ready path (ingress {@code /health}, simulator
     * {@code /_admin/health}, the others {@code /healthz} on their metrics port: Streams running, projector alive,
     * consumers up). Fails with the log's tail if it dies or the time runs out.
     */
    public ServiceJvm awaitReady(Duration timeout) {
        if (service.readyPath() == null) {
            return this;
        }
        URI uri = URI.create(baseUrl() + service.readyPath());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitCode()
                        + " before it was ready; its log ends with:\n" + logTail(40));
            }
            if (answers200(uri)) {
                return this;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not answer 200 on " + uri + " within "
                        + timeout.toSeconds() + " s; its log ends with:\n" + logTail(40));
            }
            Sleep.millis(200);
        }
    }

    /** Whether its ready path answers 200 right now. */
    public boolean isReady() {
        return service.readyPath() != null && process.isAlive()
                && answers200(URI.create(baseUrl() + service.readyPath()));
    }

    private boolean answers200(URI uri) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGKILL to the java process, no shutdown hook runs; returns once it has gone. */
    public void kill9() {
        long pid = process.pid();
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroyForcibly();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(name + " (pid " + pid + ") survived SIGKILL for 10 s", e);
            }
        });
        // The guard shell ends with it.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            Sleep.millis(20);
        }
        paused = false;
    }

    /** SIGSTOP: the JVM keeps its sockets but runs no thread, so no heartbeats, no commits, no writes. */
    public void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
        paused = false;
    }

    public boolean isPaused() {
        return paused;
    }

    private void signal(String sig) {
        long pid = process.pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true).start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + sig + " " + pid + " failed: "
                        + new String(kill.getInputStream().readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Starts it again with the same environment and ports (after {@link #kill9()}, or stops it first). */
    public ServiceJvm restart() {
        if (process.isAlive()) {
            if (paused) {
                resume();
            }
            process.stop(Duration.ofSeconds(15));
        }
        launch();
        return this;
    }

    /** SIGTERM and wait (shutdown hooks run). */
    public void stop() {
        if (paused) {
            resume();
        }
        process.stop(Duration.ofSeconds(15));
    }

    /** The last lines of its log, for failure messages. */
    public String logTail(int lines) {
        return process.logTail(lines);
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        if (paused && process.isAlive()) {
            try {
                resume();
            } catch (RuntimeException ignored) {
                // stopping it anyway
            }
        }
        process.stop(Duration.ofSeconds(10));
    }

    private static String javaBinary() {
        Path p = Path.of(System.getProperty("java.home"), "bin", "java");
        return p.toFile().canExecute() ? p.toString() : "java";
    }

    @Override
    public String toString() {
        return name + " (pid " + (process == null ? "?" : process.pid()) + ")";
    }
}
