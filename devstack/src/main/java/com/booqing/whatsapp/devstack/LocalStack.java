package com.booqing.whatsapp.devstack;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.kafka.TopicBootstrap;
import com.booqing.whatsapp.common.kafka.Topics;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The README's one command for the whole pipeline on a developer's machine: a Kafka broker, Redis, the topics,
 * the provider simulator and every service as child JVMs, and a demo tenant to try it with. Ctrl-C stops
 * everything it started. See {@link LocalStackOptions#USAGE} for the flags.
 */
public final class LocalStack implements AutoCloseable {
    private static final Duration SERVICE_START_TIMEOUT = Duration.ofSeconds(90);
    /** Services without an HTTP port count as started once they have stayed up this long. */
    private static final Duration SETTLE_TIME = Duration.ofSeconds(3);

    private final LocalStackOptions options;
    private final PrintStream out;
    private final List<ChildProcess> services = new ArrayList<>();
    private KafkaBroker broker;
    private RedisServer redis;
    private boolean closed;

    LocalStack(LocalStackOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "devstack/logback-localstack.xml");
        }
        LocalStackOptions options;
        try {
            options = LocalStackOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(LocalStackOptions.USAGE);
            return;
        }
        LocalStack stack = new LocalStack(options, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-shutdown"));
        int rc;
        try {
            stack.start();
            rc = options.exitAfterReady() ? 0 : stack.runUntilAServiceDies();
        } catch (StartupFailure e) {
            System.err.println();
            System.err.println("FAILED: " + e.getMessage());
            rc = 1;
        } catch (RuntimeException e) {
            System.err.println();
            System.err.println("FAILED: " + e);
            rc = 1;
        }
        // The shutdown hook stops what was started, in order.
        System.exit(rc);
    }

    void start() {
        checkJarsAreBuilt();
        checkPortsAreFree();
        Path logs = options.runDir().resolve("logs");
        prepareRunDir(logs);
        out.println("devstack: starting the local WhatsApp gateway (project " + options.projectDir() + ")");

        RedisServer r = startRedis();
        KafkaBroker k = startBroker();
        String encryptionKeys = "dev:" + Base64.getEncoder().encodeToString(randomBytes(32));
        String adminKey = "dev_" + HexFormat.of().formatHex(randomBytes(16));
        Map<String, String> env = serviceEnv(k.bootstrapServers(), r.url(), encryptionKeys, adminKey);
        GatewayConfig config = gatewayConfig(env);
        Topics topics = createTopics(config, k.bootstrapServers());

        startServices(env, logs);
        String demo = seedDemo(config, encryptionKeys, topics, k.bootstrapServers());
        writeLocalEnv(k, r, adminKey);
        printSummary(k, r, logs, adminKey, demo);
    }

    /**
     * The values the README's walkthrough needs, as a file a shell can source ({@code . .run/local.env}). The
     * admin key is a throwaway local key, regenerated on every start.
     */
    private void writeLocalEnv(KafkaBroker k, RedisServer r, String adminKey) {
        String text = "# written by devstack's LocalStack; valid while it runs\n"
                + "INGRESS=http://127.0.0.1:" + options.ingressPort() + "\n"
                + "SIMULATOR=" + simulatorUrl() + "\n"
                + "KAFKA_BOOTSTRAP_SERVERS=" + k.bootstrapServers() + "\n"
                + "REDIS_URL=" + r.url() + "\n"
                + "ADMIN_KEY=" + adminKey + "\n";
        try {
            java.nio.file.Files.writeString(options.runDir().resolve("local.env"), text);
        } catch (java.io.IOException e) {
            out.println("  (could not write " + options.runDir().resolve("local.env") + ": " + e.getMessage() + ")");
        }
    }

    private RedisServer startRedis() {
        RedisServer r = RedisServer.resolve(options.redisUrl()).withoutShutdownHook();
        register(() -> redis = r, r);
        out.println("  " + r.describe());
        return r;
    }

    private KafkaBroker startBroker() {
        KafkaBroker k;
        try {
            k = KafkaBroker.start(options.kafkaPort(), KafkaBroker.DEFAULT_START_TIMEOUT).withoutShutdownHook();
        } catch (IllegalStateException e) {
            throw new StartupFailure(e.getMessage());
        }
        register(() -> broker = k, k);
        out.println("  " + k.describe().replace(", log " + k.logFile() + ")", ")"));
        return k;
    }

    private static GatewayConfig gatewayConfig(Map<String, String> env) {
        try {
            return GatewayConfig.from(new Env(merged(env)));
        } catch (RuntimeException e) {
            throw new StartupFailure("the environment is not a valid gateway configuration: " + e.getMessage());
        }
    }

    /** The services inherit WHATSAPP_TOPIC_PREFIX, so the topics they expect carry it too. */
    private Topics createTopics(GatewayConfig config, String bootstrap) {
        Topics topics = config.topicPrefix().isEmpty()
                ? Topics.production()
                : Topics.withPrefix(config.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        List<String> created = TopicBootstrap.ensure(bootstrap, topics);
        out.println("  Topics: " + created.size() + " created (" + topics.all().size() + " in the catalogue)");
        return topics;
    }

    /** Launches all services at once (they start in parallel), then waits for each in turn. */
    private void startServices(Map<String, String> env, Path logs) {
        Map<ServiceSpec, ChildProcess> started = new LinkedHashMap<>();
        Map<ServiceSpec, Long> launchedAt = new HashMap<>();
        for (ServiceSpec s : options.services()) {
            started.put(s, launch(s, env, logs));
            launchedAt.put(s, System.nanoTime());
        }
        started.forEach((s, p) -> awaitStarted(s, p, launchedAt.get(s)));
    }

    /** @return what to print about the demo tenant */
    private String seedDemo(GatewayConfig config, String encryptionKeys, Topics topics, String bootstrap) {
        if (!options.seedDemo()) {
            return "not seeded (--no-demo)";
        }
        if (!options.runs("simulator")) {
            return "not seeded (the simulator is not running)";
        }
        try {
            SecretBox box = SecretBox.fromEnv(new Env(Map.of(SecretBox.ENV, encryptionKeys)));
            String apiUrl = DemoTenant.seed(simulatorUrl(), config, box, topics, bootstrap);
            return "tenant '" + DemoTenant.TENANT + "', endpoint '" + DemoTenant.ENDPOINT + "' (Cloud API at "
                    + apiUrl + ", phone number id " + DemoTenant.PHONE_NUMBER_ID + ")";
        } catch (IOException e) {
            throw new StartupFailure("cannot seed the demo tenant: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupFailure("interrupted while seeding the demo tenant");
        }
    }

    private void printSummary(KafkaBroker k, RedisServer r, Path logs, String adminKey, String demo) {
        String ingressUrl = "http://127.0.0.1:" + options.ingressPort();
        out.println();
        if (options.runs("ingress")) {
            out.println("  ingress          " + ingressUrl + "   (webhooks: " + ingressUrl
                    + "/api/whatsapp/webhook/{tenantId}/{endpointId})");
        }
        if (options.runs("simulator")) {
            out.println("  simulator admin  " + simulatorUrl() + "/_admin");
        }
        out.println("  Kafka bootstrap  " + k.bootstrapServers());
        out.println("  Redis            " + RedisServer.redacted(r.uri()));
        out.println("  logs             " + logs);
        out.println("  shell variables  . " + options.runDir().resolve("local.env") + "   (INGRESS, ADMIN_KEY, REDIS_URL, ...)");
        out.println("  admin API key    " + adminKey + "   (local dev key: Authorization: Bearer <key>)");
        out.println("  demo             " + demo);
        out.println();
        out.println("READY" + (options.exitAfterReady() ? " (stopping: --exit-after-ready)" : " - Ctrl-C stops everything"));
    }

    private String simulatorUrl() {
        return "http://127.0.0.1:" + options.simulatorPort();
    }

    /** @return the exit code once a service has died; Ctrl-C ends the JVM before that */
    int runUntilAServiceDies() {
        while (true) {
            List<ChildProcess> current;
            synchronized (this) {
                if (closed) {
                    return 0;
                }
                current = List.copyOf(services);
            }
            for (ChildProcess p : current) {
                if (!p.isAlive()) {
                    synchronized (this) {
                        if (closed) {
                            return 0;
                        }
                    }
                    System.err.println();
                    System.err.println(p.name() + " exited with code " + p.exitCode() + "; its log " + p.logFile()
                            + " ends with:\n" + indent(p.logTail(30)));
                    System.err.println("stopping the rest");
                    return 1;
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
    }

    /** Services first (in parallel), then the broker, then a Redis this stack started. Safe to call twice. */
    @Override
    public void close() {
        List<ChildProcess> toStop;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = List.copyOf(services);
        }
        if (!toStop.isEmpty() || broker != null || (redis != null && redis.started())) {
            out.println("devstack: stopping " + (toStop.isEmpty() ? "" : names(toStop) + ", ") + "Kafka and Redis");
        }
        CompletableFuture.allOf(toStop.stream()
                        .map(p -> CompletableFuture.runAsync(() -> p.stop(Duration.ofSeconds(15))))
                        .toArray(CompletableFuture[]::new))
                .join();
        if (broker != null) {
            broker.close();
        }
        if (redis != null) {
            redis.close();
        }
        out.println("devstack: stopped");
    }

    private ChildProcess launch(ServiceSpec s, Map<String, String> env, Path logs) {
        String version = Jvm.version();
        String classpath = s.jar(options.projectDir(), version) + java.io.File.pathSeparator
                + s.lib(options.projectDir()) + java.io.File.separator + "*";
        List<String> cmd = List.of(Jvm.javaBinary(), "-Xmx512m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", classpath, s.mainClass());
        Map<String, String> childEnv = new HashMap<>(env);
        if (s.name().equals("processor")) {
            childEnv.put("PROCESSOR_STATE_DIR", options.runDir().resolve("state").resolve("processor").toString());
        }
        Path log = logs.resolve(s.name() + ".log");
        try {
            ChildProcess p = ChildProcess.start(s.name(), cmd, childEnv, log, options.projectDir());
            synchronized (this) {
                if (closed) {
                    p.stop(Duration.ofSeconds(5));
                    throw new StartupFailure("stopped while starting " + s.name());
                }
                services.add(p);
            }
            return p;
        } catch (IOException e) {
            throw new StartupFailure("cannot start " + s.name() + ": " + e.getMessage());
        }
    }

    private void awaitStarted(ServiceSpec s, ChildProcess p, long launchedAt) {
        long deadline = launchedAt + SERVICE_START_TIMEOUT.toNanos();
        Path log = p.logFile().startsWith(options.projectDir()) ? options.projectDir().relativize(p.logFile()) : p.logFile();
        String where = "log " + log;
        if (s.hasHttp()) {
            int port = s.name().equals("ingress") ? options.ingressPort() : options.simulatorPort();
            URI health = URI.create("http://127.0.0.1:" + port + s.healthPath());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            while (true) {
                failIfDead(s, p);
                if (System.nanoTime() > deadline) {
                    throw failure(s, p, "did not answer GET " + health + " within "
                            + SERVICE_START_TIMEOUT.toSeconds() + " s");
                }
                if (answers(http, health)) {
                    break;
                }
                sleep(200);
            }
            out.println(String.format("  %-15s up at http://127.0.0.1:%d  (pid %d, %s)", s.name(), port, p.pid(), where));
        } else {
            while (System.nanoTime() - launchedAt < SETTLE_TIME.toNanos()) {
                failIfDead(s, p);
                sleep(200);
            }
            failIfDead(s, p);
            out.println(String.format("  %-15s running  (pid %d, %s)", s.name(), p.pid(), where));
        }
    }

    private void failIfDead(ServiceSpec s, ChildProcess p) {
        if (!p.isAlive()) {
            throw failure(s, p, "exited with code " + p.exitCode() + " during start-up");
        }
    }

    private StartupFailure failure(ServiceSpec s, ChildProcess p, String what) {
        return new StartupFailure(s.name() + " " + what + "; its log " + p.logFile() + " ends with:\n"
                + indent(p.logTail(30)));
    }

    private static boolean answers(HttpClient http, URI uri) {
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupFailure("interrupted");
        }
    }

    private Map<String, String> serviceEnv(String bootstrap, String redisUrl, String encryptionKeys, String adminKey) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("REDIS_URL", redisUrl);
        env.put(SecretBox.ENV, encryptionKeys);
        env.put("WHATSAPP_ADMIN_API_KEY", adminKey);
        env.put("WHATSAPP_ALLOW_PRIVATE_ENDPOINTS", "true");
        env.put("WHATSAPP_WEBHOOK_BASE_URL", "http://127.0.0.1:" + options.ingressPort());
        env.put("INGRESS_PORT", Integer.toString(options.ingressPort()));
        env.put("SIMULATOR_PORT", Integer.toString(options.simulatorPort()));
        env.put("LOG_FORMAT", "plain");
        return env;
    }

    private static Map<String, String> merged(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(System.getenv());
        all.putAll(env);
        return all;
    }

    private void checkJarsAreBuilt() {
        String version = Jvm.version();
        List<String> missing = new ArrayList<>();
        for (ServiceSpec s : options.services()) {
            Path jar = s.jar(options.projectDir(), version);
            if (!Files.isRegularFile(jar) || !Files.isDirectory(s.lib(options.projectDir()))) {
                missing.add(s.name() + " (" + options.projectDir().relativize(jar) + ")");
            }
        }
        if (!missing.isEmpty()) {
            String modules = String.join(",", options.services().stream()
                    .filter(s -> missing.stream().anyMatch(m -> m.startsWith(s.name() + " ")))
                    .map(ServiceSpec::module).toList());
            throw new StartupFailure("not built yet: " + String.join(", ", missing) + "\n"
                    + "  build everything:  cd " + options.projectDir() + " && mvn -q -B -DskipTests package\n"
                    + "  or just these:     mvn -q -B -DskipTests -pl " + modules + " -am package");
        }
    }

    private void checkPortsAreFree() {
        if (options.runs("ingress") && FreePorts.isListening(options.ingressPort())) {
            throw new StartupFailure("port " + options.ingressPort() + " is in use (another local stack?);"
                    + " choose another with --ingress-port");
        }
        if (options.runs("simulator") && FreePorts.isListening(options.simulatorPort())) {
            throw new StartupFailure("port " + options.simulatorPort() + " is in use (another local stack?);"
                    + " choose another with --simulator-port");
        }
        if (options.kafkaPort() != 0 && FreePorts.isListening(options.kafkaPort())) {
            throw new StartupFailure("port " + options.kafkaPort() + " is in use; choose another with --kafka-port");
        }
    }

    /** Each run starts with an empty broker, so logs and state of an earlier run would only mislead. */
    private void prepareRunDir(Path logs) {
        try {
            KafkaBroker.deleteTree(logs);
            KafkaBroker.deleteTree(options.runDir().resolve("state"));
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new StartupFailure("cannot create " + logs + ": " + e.getMessage());
        }
    }

    /** Records a started resource unless the stack is already stopping, in which case it is closed at once. */
    private void register(Runnable assign, AutoCloseable resource) {
        synchronized (this) {
            if (!closed) {
                assign.run();
                return;
            }
        }
        try {
            resource.close();
        } catch (Exception ignored) {
            // stopping anyway
        }
        throw new StartupFailure("stopped during start-up");
    }

    private static String names(List<ChildProcess> ps) {
        return String.join(", ", ps.stream().map(ChildProcess::name).toList());
    }

    private static String indent(String text) {
        return "    " + text.replace("\n", "\n    ");
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupFailure("interrupted");
        }
    }

    /** A start-up problem explained for the person at the terminal; no stack trace needed. */
    static final class StartupFailure extends RuntimeException {
        StartupFailure(String message) {
            super(message);
        }
    }
}
