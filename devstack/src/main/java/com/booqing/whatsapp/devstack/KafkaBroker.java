package com.booqing.whatsapp.devstack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A single-node KRaft Kafka broker (broker and controller in one process) in a child JVM on loopback, for
 * tests and the local stack. Its data lives in a temporary directory that {@link #close()} deletes; the broker
 * never outlives this JVM (shutdown hook, and {@link ChildProcess}'s guard for a JVM killed outright).
 */
public final class KafkaBroker implements AutoCloseable {
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    private static final String DIR_PREFIX = "devstack-kafka-";
    private static final String OWNER_FILE = "owner.pid";

    private final ChildProcess process;
    private final Path dir;
    private final int port;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private KafkaBroker(ChildProcess process, Path dir, int port, Duration startupTime) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.startupTime = startupTime;
        this.shutdownHook = new Thread(this::stopAndDelete, "kafka-broker-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A broker on a free loopback port. */
    public static KafkaBroker start() {
        return start(0, DEFAULT_START_TIMEOUT);
    }

    /**
     * @param port client port on 127.0.0.1, 0 for a free one
     * @throws IllegalStateException when the broker does not answer within {@code timeout}; the message ends
     *                               with the tail of the broker's log
     */
    public static KafkaBroker start(int port, Duration timeout) {
        deleteLeftovers();
        // A free port can be taken between our probe and the broker's bind; a second try gets other ports.
        int attempts = port == 0 ? 2 : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(port == 0 ? FreePorts.next() : port, timeout);
            } catch (PortTakenException e) {
                if (attempt >= attempts) {
                    throw new IllegalStateException(e.getMessage());
                }
            }
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** From launching the JVM to the broker answering describeCluster. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path logFile() {
        return process.logFile();
    }

    public Path dataDir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String describe() {
        return "Kafka: embedded KRaft broker " + kafkaVersion() + " at " + bootstrapServers()
                + " (started in " + String.format("%.1f", startupTime.toMillis() / 1000.0) + " s, log " + logFile() + ")";
    }

    /**
     * For an owner that closes this itself, in an order of its choosing, from its own shutdown hook: without
     * this, the JVM's shutdown would stop the broker at the same time as everything else.
     */
    public KafkaBroker withoutShutdownHook() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // too late; the hook runs
            }
        }
        return this;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        stopAndDelete();
    }

    private synchronized void stopAndDelete() {
        if (closed) {
            return;
        }
        closed = true;
        process.stop(Duration.ofSeconds(15));
        deleteTree(dir);
    }

    private static KafkaBroker startOnce(int port, Duration timeout) {
        Path dir;
        try {
            dir = Files.createTempDirectory(DIR_PREFIX);
            Files.writeString(dir.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's data directory", e);
        }
        int controllerPort = FreePorts.next();
        Path props = dir.resolve("server.properties");
        Path logback = dir.resolve("logback-broker.xml");
        ChildProcess child;
        long t0 = System.nanoTime();
        try {
            Files.writeString(props, serverProperties(port, controllerPort, dir.resolve("kraft")), StandardCharsets.UTF_8);
            Files.writeString(logback, LOGBACK, StandardCharsets.UTF_8);
            // C1 only and a serial collector: for a test broker, start-up time matters more than peak speed.
            List<String> cmd = new ArrayList<>(List.of(Jvm.javaBinary(),
                    "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
                    "-Dlogback.configurationFile=" + logback,
                    "-Dlog4j2.level=WARN",
                    "-cp", Jvm.devstackClasspath(),
                    KafkaBrokerMain.class.getName(), props.toString(), Uuid.randomUuid().toString()));
            child = ChildProcess.start("kafka", cmd, Map.of(), dir.resolve("broker.log"), dir);
        } catch (IOException e) {
            deleteTree(dir);
            throw new UncheckedIOException("cannot start the broker JVM", e);
        }
        try {
            awaitReady(child, port, timeout);
        } catch (RuntimeException e) {
            String tail = child.logTail(40);
            child.stop(Duration.ofSeconds(5));
            deleteTree(dir);
            if (tail.contains("Address already in use")) {
                throw new PortTakenException("Kafka broker could not bind its ports:\n" + tail);
            }
            throw new IllegalStateException(e.getMessage() + "\n--- broker log (last 40 lines) ---\n" + tail, e);
        }
        return new KafkaBroker(child, dir, port, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static void awaitReady(ChildProcess child, int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // Wait for the listener first: an Admin client pointed at a closed port fills the log with warnings.
        while (!FreePorts.isListening(port)) {
            checkAlive(child);
            checkDeadline(deadline, timeout);
            sleep(100);
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100))) {
            while (true) {
                checkAlive(child);
                checkDeadline(deadline, timeout);
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // still starting
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the broker", e);
                }
                sleep(100);
            }
        }
    }

    private static void checkAlive(ChildProcess child) {
        if (!child.isAlive()) {
            throw new IllegalStateException("Kafka broker JVM exited with code " + child.exitCode() + " during start-up");
        }
    }

    private static void checkDeadline(long deadline, Duration timeout) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Kafka broker did not answer within " + timeout.toSeconds() + " s");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    /** A single-node KRaft broker and controller on loopback, sized for tests and the local stack. */
    public static String serverProperties(int port, int controllerPort, Path logDir) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + logDir,
                "num.partitions=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "num.network.threads=2",
                "num.io.threads=4",
                "num.recovery.threads.per.data.dir=1",
                "log.segment.bytes=8388608",
                "log.cleaner.dedupe.buffer.size=8388608",
                "log.cleaner.threads=1",
                // A dev broker holds little; a short retention check keeps its disk use small.
                "log.retention.check.interval.ms=60000",
                "")
                + "\n";
    }

    /** The broker JVM's logging: warnings, and the lines that say it started. */
    public static final String LOGBACK = String.join("\n",
            "<configuration>",
            "  <appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">",
            "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>",
            "  </appender>",
            "  <logger name=\"kafka.server.KafkaRaftServer\" level=\"INFO\"/>",
            "  <logger name=\"kafka.server.BrokerServer\" level=\"INFO\"/>",
            "  <root level=\"WARN\"><appender-ref ref=\"out\"/></root>",
            "</configuration>", "");

    private static String kafkaVersion() {
        try (java.io.InputStream in = Admin.class.getClassLoader().getResourceAsStream("kafka/kafka-version.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "4.x");
        } catch (IOException e) {
            return "4.x";
        }
    }

    /** Data directories of brokers whose owning JVM was killed before it could delete them. */
    private static void deleteLeftovers() {
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, DIR_PREFIX + "*")) {
            for (Path d : dirs) {
                Path owner = d.resolve(OWNER_FILE);
                if (!Files.isRegularFile(owner)) {
                    continue;
                }
                long pid = Long.parseLong(Files.readString(owner).trim());
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                deleteTree(d);
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort; leftovers are only disk space
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // keep deleting the rest
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
