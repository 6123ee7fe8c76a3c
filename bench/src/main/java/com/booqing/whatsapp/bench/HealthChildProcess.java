package com.booqing.whatsapp.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent's handle on one {@link HealthBenchChild} JVM: starts it with the same class path, talks to it line by
 * line, and kills it (and only it) when done. Its log goes to its own file; lines it prints that are not protocol
 * (an ERROR from logback's console appender) are passed to stderr.
 */
final class HealthChildProcess implements AutoCloseable {
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final String name;

    private HealthChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::read, "bench-child-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static HealthChildProcess start(String mode, Map<String, String> env, List<String> jvmOptions, Path logFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dbench.log.file=" + logFile);
        cmd.add("-Dlogback.configurationFile=bench-logback.xml");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(HealthBenchChild.class.getName());
        cmd.add(mode);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(Path.of(logFile + ".stderr").toFile()));
        try {
            return new HealthChildProcess(mode, pb.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the " + mode + " JVM", e);
        }
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(HealthBenchChild.PREFIX)) {
                    replies.add(line.substring(HealthBenchChild.PREFIX.length()));
                } else {
                    System.err.println("[" + name + "] " + line);
                }
            }
        } catch (IOException e) {
            // the child ended
        }
        replies.add("EXITED");
    }

    /** Waits for the next protocol line starting with {@code word}; fails on anything else or a timeout. */
    String await(String word, Duration timeout) {
        try {
            String line = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new IllegalStateException("the " + name + " JVM did not say " + word + " within " + timeout);
            }
            if (!line.startsWith(word)) {
                throw new IllegalStateException("the " + name + " JVM said '" + line + "' instead of " + word
                        + " (its log: see the services log file + .stderr)");
            }
            return line.substring(word.length()).trim();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    void send(String command) {
        try {
            stdin.write(command + "\n");
            stdin.flush();
        } catch (IOException e) {
            throw new IllegalStateException("the " + name + " JVM is gone", e);
        }
    }

    void begin() {
        send("BEGIN");
        await("BEGUN", Duration.ofSeconds(10));
    }

    HealthCheckSampler.Stats end(ObjectMapper json) {
        send("END");
        try {
            return json.readValue(await("STATS", Duration.ofSeconds(30)), HealthCheckSampler.Stats.class);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable stats from the " + name + " JVM", e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** CPU time of the child so far, as the OS counts it (a cross-check of what it reports itself). */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        try {
            send("QUIT");
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (RuntimeException | InterruptedException e) {
            process.destroyForcibly();
        }
    }
}
