package com.booqing.whatsapp.testkit;

import com.booqing.whatsapp.common.kafka.Topics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the local stack's main class as a developer would, without services (their jars are other modules'). */
class LocalStackIT {

    @Test
    void startsKafkaRedisAndTopicsAndStopsAllOfItOnSigterm(@TempDir Path runDir) throws Exception {
        Process stack = localStack("--services", "none", "--run-dir", runDir.toString());
        List<String> lines = new ArrayList<>();
        CompletableFuture<Void> ready = readUntil(stack, lines, "READY");
        ready.get(120, TimeUnit.SECONDS);
        List<ProcessHandle> children = stack.descendants().toList();

        stack.destroy();

        assertThat(stack.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(String.join("\n", lines))
                .contains("Redis: ", "Kafka: embedded KRaft broker", "Topics: " + Topics.production().all().size() + " created", "admin API key");
        assertThat(children).extracting(ProcessHandle::pid).isNotEmpty();
        for (ProcessHandle child : children) {
            child.onExit().get(10, TimeUnit.SECONDS);
        }
        assertThat(children).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void namesTheMavenCommandWhenAServiceJarIsMissing(@TempDir Path emptyProject) throws Exception {
        Process stack = localStack("--services", "sender", "--project-dir", emptyProject.toString(),
                "--run-dir", emptyProject.resolve(".run").toString());
        String output = new String(stack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(stack.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(stack.exitValue()).isEqualTo(1);
        assertThat(output).contains("sender/target/sender-", "mvn -q -B -DskipTests -pl sender -am package");
        assertThat(stack.descendants()).isEmpty();
    }

    private static Process localStack(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "com.booqing.whatsapp.devstack.LocalStack"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Collects the stack's output; completes when a line starts with {@code marker}, fails if output ends first. */
    private static CompletableFuture<Void> readUntil(Process p, List<String> lines, String marker) {
        CompletableFuture<Void> seen = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (line.startsWith(marker)) {
                        seen.complete(null);
                    }
                }
            } catch (IOException ignored) {
                // the stream closes when the process ends
            }
            seen.completeExceptionally(new AssertionError("local stack ended before " + marker + ":\n"
                    + String.join("\n", lines)));
        }, "local-stack-output");
        reader.setDaemon(true);
        reader.start();
        return seen;
    }
}
