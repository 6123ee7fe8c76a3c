package com.booqing.whatsapp.reliability.harness;

import com.booqing.whatsapp.devstack.FreePorts;
import com.booqing.whatsapp.devstack.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-node KRaft broker of a test's own (devstack's {@code KafkaBrokerMain} in a child JVM) that can be
 * killed with SIGKILL and started again on the same ports with the same data directory and cluster id, so that
 * clients see the same broker come back with everything it had acknowledged (the shared testkit broker must
 * never be killed). Its data directory is under the test's run directory and is deleted on {@link #close()}.
 *
 * <pre>{@code
 * try (KafkaNode kafka = KafkaNode.start(runDir)) {
 *     String bootstrap = kafka.bootstrapServers();
 *     kafka.kill9();                      // broker gone: connection refused
 *     kafka.restart();                    // same port, same data; returns once it answers
 * }
 * }</pre>
 */
public final class KafkaNode implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final ServiceJvm jvm;

    private KafkaNode(Path dir, int port, ServiceJvm jvm) {
        this.dir = dir;
        this.port = port;
        this.jvm = jvm;
    }

    public static KafkaNode start(Path runDir) {
        Path dir = runDir.resolve("kafka");
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.properties"), KafkaBroker.serverProperties(port, controllerPort, dir.resolve("data")));
            Files.writeString(dir.resolve("logback.xml"), KafkaBroker.LOGBACK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ServiceJvm jvm = ServiceJvm.start(Service.KAFKA, "kafka", Map.of(),
                List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-XX:+ExitOnOutOfMemoryError", "-Dlogback.configurationFile=" + dir.resolve("logback.xml")),
                List.of(dir.resolve("server.properties").toString(), Uuid.randomUuid().toString()), runDir);
        KafkaNode node = new KafkaNode(dir, port, jvm);
        try {
            node.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public ServiceJvm jvm() {
        return jvm;
    }

    /** SIGKILL: no controlled shutdown, no flush beyond what the OS already has (the page cache survives). */
    public void kill9() {
        jvm.kill9();
    }

    /** Starts it again on the same ports and data (the storage format step is skipped: --ignore-formatted). */
    public KafkaNode restart() {
        jvm.restart();
        awaitReady(Duration.ofSeconds(60));
        return this;
    }

    /** Until the broker answers describeCluster on its port. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!FreePorts.isListening(port)) {
            check(deadline, timeout);
            Sleep.millis(100);
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000))) {
            while (true) {
                check(deadline, timeout);
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (notYet instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", notYet);
                    }
                }
                Sleep.millis(100);
            }
        }
    }

    private void check(long deadline, Duration timeout) {
        if (!jvm.isAlive()) {
            throw new IllegalStateException("broker exited; its log ends with:\n" + jvm.logTail(40));
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("broker did not answer within " + timeout.toSeconds()
                    + " s; its log ends with:\n" + jvm.logTail(40));
        }
    }

    @Override
    public void close() {
        jvm.close();
        try (Stream<Path> walk = Files.walk(dir.resolve("data"))) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: it is under target/
        }
    }
}
