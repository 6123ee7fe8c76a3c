package com.booqing.whatsapp.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process (broker, redis-server, a service JVM) whose output goes to a log file and which cannot outlive
 * this JVM. It runs under a small {@code sh} guard that holds a pipe from us: when this JVM ends in any way, even
 * SIGKILL, the pipe closes and the guard sends SIGTERM to the child. The child runs in a session of its own and
 * the guard ignores Ctrl-C and SIGHUP, so the owner's shutdown hook decides the order in which children stop.
 */
public final class ChildProcess implements AutoCloseable {
    private static final String GUARD = String.join("\n",
            "trap '' INT HUP QUIT",
            "exec 3<&0",
            // A session of its own keeps the terminal's Ctrl-C away from the child (redis-server would obey it).
            "if command -v setsid >/dev/null 2>&1; then setsid \"$@\" 3<&- </dev/null & else \"$@\" 3<&- </dev/null & fi",
            "c=$!",
            "trap 'kill -TERM \"$c\" 2>/dev/null' TERM",
            "{ read -r _ <&3; kill -TERM \"$c\" 2>/dev/null; } &",
            "s=0",
            "while :; do",
            "  wait \"$c\"; s=$?",
            "  kill -0 \"$c\" 2>/dev/null || break",
            "done",
            "exit $s");

    private final String name;
    private final Process guard;
    private final Path logFile;

    private ChildProcess(String name, Process guard, Path logFile) {
        this.name = name;
        this.guard = guard;
        this.logFile = logFile;
    }

    /**
     * @param env added to this JVM's environment for the child
     * @param logFile receives the child's stdout and stderr (appended)
     */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path logFile,
                                     Path workDir) throws IOException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", GUARD, "guard-" + name));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.environment().putAll(env);
        return new ChildProcess(name, pb.start(), logFile);
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return guard.isAlive();
    }

    /** The child's own pid (not the guard's), or the guard's while the child is not yet forked. */
    public long pid() {
        String shell = guard.info().command().orElse("");
        return guard.toHandle().children()
                .filter(c -> !c.info().command().orElse("").equals(shell))
                .findFirst().map(ProcessHandle::pid).orElse(guard.pid());
    }

    /** @return the exit code, or -1 while running */
    public int exitCode() {
        return guard.isAlive() ? -1 : guard.exitValue();
    }

    /** SIGTERM, then SIGKILL to the child and all its descendants if it has not ended within {@code grace}. */
    public void stop(Duration grace) {
        List<ProcessHandle> family = new ArrayList<>(guard.descendants().toList());
        // Closing the pipe is the guard's cue to send the child one SIGTERM.
        closeQuietly(guard.getOutputStream());
        try {
            if (!guard.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                family.addAll(guard.descendants().toList());
                family.forEach(ProcessHandle::destroyForcibly);
                guard.destroyForcibly();
                guard.waitFor(5, TimeUnit.SECONDS);
            }
            // The guard has gone; make sure nothing it started is left behind.
            for (ProcessHandle p : family) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.onExit().get(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            family.forEach(ProcessHandle::destroyForcibly);
            guard.destroyForcibly();
        } catch (Exception e) {
            family.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    /** The last {@code lines} lines of the child's log, for error messages. */
    public String logTail(int lines) {
        return tail(logFile, lines);
    }

    static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "(no log at " + file + ")";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - 64 * 1024);
            byte[] buf = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\n");
            int start = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.asList(all).subList(start, all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException ignored) {
            // the guard is gone already
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
