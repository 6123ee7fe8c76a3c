package com.booqing.whatsapp.testkit.canary;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.booqing.whatsapp.testkit.canary.CanaryScanner.Hit;
import net.logstash.logback.encoder.LogstashEncoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The suite-wide secret audit (issue 9, "Secrets"): every integration-test JVM that uses testkit's {@code Infra}
 * searches, when its last test has run, for every canary of {@link Canaries}
 * <ul>
 *   <li>in all log output of the JVM from the moment its Infra started: every logback event at the levels the
 *       tests configure, rendered with the services' production encoder (LogstashEncoder, MDC and stack traces
 *       included), and everything printed on System.out and System.err; plus the logs of child JVMs registered
 *       with {@link #childLog(Path)} and of the embedded broker;</li>
 *   <li>in every record (key, value, headers) of every topic on the test broker, internal topics included;</li>
 *   <li>in every Redis key (name and value) of every namespace Infra handed out or deleted, read just before a
 *       test deletes it and at the end for the rest;</li>
 *   <li>in the HTTP answers that shared test clients hand to {@link #httpAnswer}.</li>
 * </ul>
 * Hits fail the run ({@link #finish} throws), and one summary line per JVM goes to the test output and to
 * {@code target/canary-audit/summary.txt}. On by default; {@code -Dcanary.audit=false} turns it off.
 *
 * <p>One per JVM, held statically on purpose: log capture and the places that feed it (HTTP helpers, Infra's
 * key deletion, child-process launchers) are JVM-wide, and most of them are reached from no JUnit context.
 */
public final class CanaryAudit {
    public static final String ENABLED_PROPERTY = "canary.audit";
    /** Patterns are searched by their first 24 bytes: 96+ bits of a random secret, so no chance matches. */
    private static final int PATTERN_PREFIX = 24;
    private static final Duration TOPIC_READ_LIMIT = Duration.ofSeconds(60);
    /**
     * Log output kept per capture file (-Dcanary.audit.maxLogMegabytes, default 256): a component stuck logging the
     * same error in a loop once wrote 2.4 GB in one JVM, and searching that took 20 s. What is over the cap is
     * counted and named in the summary, not searched.
     */
    private static final long MAX_LOG_BYTES = Long.getLong("canary.audit.maxLogMegabytes", 256) << 20;

    private static volatile CanaryAudit jvm;

    private final Path dir;
    private final Sink logs;
    private final Sink printed;
    private final Sink http;
    private final Sink redis;
    private final AtomicLong httpAnswers = new AtomicLong();
    private final AtomicLong redisKeys = new AtomicLong();
    private final Set<String> redisNamespaces = ConcurrentHashMap.newKeySet();
    private final Set<Path> childLogs = ConcurrentHashMap.newKeySet();
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final Appender appender;
    private long childFiles;

    private CanaryAudit(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        logs = new Sink(dir.resolve("logback.jsonl"), MAX_LOG_BYTES);
        printed = new Sink(dir.resolve("stdout-stderr.txt"), MAX_LOG_BYTES);
        http = new Sink(dir.resolve("http-answers.txt"), Long.MAX_VALUE);
        redis = new Sink(dir.resolve("redis-dump.bin"), Long.MAX_VALUE);
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            appender = new Appender(context, logs);
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        } else {
            appender = null; // no logback: what is logged is printed, and the tee below has it
        }
        System.setOut(new PrintStream(new Tee(originalOut, printed), true));
        System.setErr(new PrintStream(new Tee(originalErr, printed), true));
    }

    /** Whether the audit runs in this JVM (-Dcanary.audit, true unless set otherwise). */
    public static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true").trim());
    }

    /** Starts capturing this JVM's output, once; null when the audit is off. */
    public static synchronized CanaryAudit start() {
        if (!enabled()) {
            return null;
        }
        if (jvm == null) {
            String pid = Long.toString(ProcessHandle.current().pid());
            try {
                jvm = new CanaryAudit(Path.of("target", "canary-audit", "jvm-" + pid));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the canary audit", e);
            }
        }
        return jvm;
    }

    /** The running audit of this JVM, or null. */
    public static CanaryAudit current() {
        return jvm;
    }

    /**
     * Records an HTTP answer a test received, for the search at the end; does nothing when no audit runs.
     *
     * @param request a label searched with the answer: method and path, no query (what the test sent is not searched)
     */
    public static void httpAnswer(String request, int status, Map<String, List<String>> headers, byte[] body) {
        CanaryAudit a = jvm;
        if (a == null) {
            return;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream(body == null ? 256 : body.length + 256);
        b.writeBytes((request + " -> " + status + "\n").getBytes(StandardCharsets.UTF_8));
        if (headers != null) {
            headers.forEach((k, vs) -> vs.forEach(v -> b.writeBytes((k + ": " + v + "\n")
                    .getBytes(StandardCharsets.UTF_8))));
        }
        b.write('\n');
        if (body != null) {
            b.writeBytes(body);
        }
        b.write('\n');
        a.http.write(b.toByteArray());
        a.httpAnswers.incrementAndGet();
    }

    public static void httpAnswer(String request, int status, Map<String, List<String>> headers, String body) {
        httpAnswer(request, status, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** A child JVM's log file, searched at the end (if it still exists then). */
    public static void childLog(Path logFile) {
        CanaryAudit a = jvm;
        if (a != null && logFile != null) {
            a.childLogs.add(logFile.toAbsolutePath().normalize());
        }
    }

    /** Copies every key of {@code namespace} (name, type and value) for the search at the end. */
    public void dumpNamespace(JedisPooled jedis, String namespace) {
        redisNamespaces.add(namespace);
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(namespace + ":*").count(1000);
        do {
            ScanResult<String> page = jedis.scan(cursor, match);
            for (String key : page.getResult()) {
                dumpKey(jedis, key);
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    private void dumpKey(JedisPooled jedis, String key) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        b.writeBytes(k);
        b.write('\n');
        try {
            switch (jedis.type(key)) {
                case "string" -> append(b, jedis.get(k));
                case "hash" -> jedis.hgetAll(k).forEach((f, v) -> {
                    append(b, f);
                    b.write('=');
                    append(b, v);
                    b.write('\n');
                });
                case "list" -> jedis.lrange(k, 0, -1).forEach(v -> append(b, v));
                case "set" -> jedis.smembers(k).forEach(v -> append(b, v));
                case "zset" -> jedis.zrange(k, 0, -1).forEach(v -> append(b, v));
                case "none" -> {
                    return; // gone (expired) since the SCAN
                }
                default -> append(b, jedis.dump(k)); // streams and the like: their serialised form
            }
        } catch (RuntimeException e) {
            return; // changed type or vanished under a running service: the next dump has it, if anything
        }
        b.write('\n');
        redis.write(b.toByteArray());
        redisKeys.incrementAndGet();
    }

    private static void append(ByteArrayOutputStream b, byte[] v) {
        if (v != null) {
            b.writeBytes(v);
            b.write('\n');
        }
    }

    /**
     * Ends the capture and searches everything: call while the broker and Redis still run.
     *
     * @param remainingNamespaces Redis namespaces still holding a test's keys
     * @param extraLogs           more log files (the embedded broker's)
     * @return the summary line
     * @throws AssertionError when a canary is found; the message lists every hit (masked)
     */
    public String finish(String bootstrapServers, JedisPooled jedis, Collection<String> remainingNamespaces,
                         Collection<Path> extraLogs) {
        synchronized (CanaryAudit.class) {
            if (jvm == this) {
                jvm = null;
            }
        }
        long t0 = System.nanoTime();
        for (String ns : remainingNamespaces) {
            try {
                dumpNamespace(jedis, ns);
            } catch (RuntimeException e) {
                // a Redis that went away has nothing left to read
            }
        }
        stopCapture();
        List<Canary> canaries = Canaries.all();
        CanaryScanner scanner = new CanaryScanner(canaries, PATTERN_PREFIX);
        List<String> problems = new ArrayList<>();
        long[] kafka = scanTopics(scanner, bootstrapServers, problems);
        try {
            scanFile(scanner, "log: logback (json)", logs.file);
            scanFile(scanner, "log: stdout+stderr", printed.file);
            scanFile(scanner, "http: answers", http.file);
            scanFile(scanner, "redis: keys", redis.file);
            List<Path> more = new ArrayList<>(childLogs);
            more.addAll(extraLogs);
            scanner.touch("log: child JVMs");
            for (Path p : more) {
                if (p != null && Files.isRegularFile(p)) {
                    scanFile(scanner, "log: child JVMs", p);
                    childFiles++;
                }
            }
        } catch (IOException e) {
            problems.add("cannot read a capture file: " + e);
        }
        long logLines = lines(scanner, "log: logback (json)") + lines(scanner, "log: stdout+stderr");
        long scanMillis = (System.nanoTime() - t0) / 1_000_000;
        String line = String.format("canary audit [%s]: %d canaries (%d patterns); logs %d lines/%s, child logs %d"
                        + " files/%s; kafka %d topics, %d records/%s; redis %d keys in %d namespaces/%s; http %d"
                        + " answers/%s; hits %d; audit took %d ms",
                Path.of("").toAbsolutePath().getFileName(), canaries.size(), scanner.patterns(), logLines,
                mb(bytes(scanner, "log: logback (json)") + bytes(scanner, "log: stdout+stderr")),
                childFiles,
                mb(bytes(scanner, "log: child JVMs")), kafka[0], kafka[1], mb(kafka[2]), redisKeys.get(),
                redisNamespaces.size(), mb(bytes(scanner, "redis: keys")), httpAnswers.get(),
                mb(bytes(scanner, "http: answers")), scanner.hits().size(), scanMillis)
                + (logs.dropped + printed.dropped > 0 ? String.format("; NOT SEARCHED: %s of log output over the"
                + " %d MB cap per file", mb(logs.dropped + printed.dropped), MAX_LOG_BYTES >> 20) : "");
        StringBuilder report = new StringBuilder(line).append('\n');
        for (Hit h : scanner.hits()) {
            report.append("HIT ").append(h).append('\n');
        }
        problems.forEach(p -> report.append("PROBLEM ").append(p).append('\n'));
        System.out.println(line);
        try {
            Files.writeString(dir.resolve("summary.txt"), report);
            Files.writeString(dir.getParent().resolve("summary.txt"), report, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            problems.add("cannot write the summary: " + e);
        }
        if (!scanner.hits().isEmpty() || !problems.isEmpty()) {
            throw new AssertionError("Secret canaries found (issue 9: each is a leak; the captures are kept in "
                    + dir.toAbsolutePath() + "):\n" + report);
        }
        for (Sink s : List.of(logs, printed, http, redis)) {
            s.delete(); // kept only when they hold a leak
        }
        return line;
    }

    private void stopCapture() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        if (appender != null) {
            appender.context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
            appender.stop();
        }
        for (Sink s : List.of(logs, printed, http, redis)) {
            s.close();
        }
    }

    private void scanFile(CanaryScanner scanner, String source, Path file) throws IOException {
        scanner.touch(source);
        try (InputStream in = Files.newInputStream(file)) {
            scanner.scanLines(source, file.getFileName().toString(), in);
        }
    }

    /** @return topics, records, bytes */
    private static long[] scanTopics(CanaryScanner scanner, String bootstrapServers, List<String> problems) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"); // aborted writes count too
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        p.put(ConsumerConfig.EXCLUDE_INTERNAL_TOPICS_CONFIG, "false");
        long[] totals = new long[3];
        scanner.touch("kafka: keys");
        scanner.touch("kafka: values");
        scanner.touch("kafka: headers");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Map<String, List<PartitionInfo>> topics = c.listTopics(Duration.ofSeconds(20));
            List<TopicPartition> parts = new ArrayList<>();
            topics.values().forEach(infos -> infos.forEach(i -> parts.add(new TopicPartition(i.topic(),
                    i.partition()))));
            totals[0] = topics.size();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(20));
            List<TopicPartition> open = new ArrayList<>(parts.stream().filter(tp -> end.get(tp) > 0).toList());
            c.pause(parts.stream().filter(tp -> end.get(tp) == 0).toList());
            long deadline = System.nanoTime() + TOPIC_READ_LIMIT.toNanos();
            ByteArrayOutputStream headers = new ByteArrayOutputStream();
            while (!open.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    problems.add("could not read every topic to its end within " + TOPIC_READ_LIMIT.toSeconds()
                            + " s; unread: " + open.size() + " partitions");
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    totals[1]++;
                    String item = r.topic() + "/" + r.partition() + "@" + r.offset();
                    if (r.key() != null) {
                        scanner.scan("kafka: keys", item, r.key());
                        totals[2] += r.key().length;
                    }
                    if (r.value() != null) {
                        scanner.scan("kafka: values", item, r.value());
                        totals[2] += r.value().length;
                    }
                    headers.reset();
                    for (Header h : r.headers()) {
                        headers.writeBytes(h.key().getBytes(StandardCharsets.UTF_8));
                        headers.write('=');
                        if (h.value() != null) {
                            headers.writeBytes(h.value());
                        }
                        headers.write('\n');
                    }
                    if (headers.size() > 0) {
                        scanner.scan("kafka: headers", item, headers.toByteArray());
                        totals[2] += headers.size();
                    }
                }
                List<TopicPartition> done = open.stream()
                        .filter(tp -> c.position(tp, Duration.ofSeconds(10)) >= end.get(tp)).toList();
                if (!done.isEmpty()) {
                    open.removeAll(done);
                    c.pause(done);
                }
            }
        } catch (RuntimeException e) {
            problems.add("could not read the topics: " + e);
        }
        return totals;
    }

    private static long bytes(CanaryScanner s, String source) {
        CanaryScanner.Tally t = s.tallies().get(source);
        return t == null ? 0 : t.bytes();
    }

    private static long lines(CanaryScanner s, String source) {
        CanaryScanner.Tally t = s.tallies().get(source);
        return t == null ? 0 : t.items();
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }

    /** A capture file; writes are serialised, so lines of different threads do not interleave. */
    private static final class Sink {
        final Path file;
        private final OutputStream out;
        private final long max;
        private long written;
        long dropped;
        private boolean closed;

        Sink(Path file, long max) throws IOException {
            this.file = file;
            this.max = max;
            this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        }

        synchronized void write(byte[] b) {
            write(b, 0, b.length);
        }

        synchronized void write(byte[] b, int off, int len) {
            if (closed) {
                return;
            }
            if (written + len > max) {
                dropped += len;
                return;
            }
            written += len;
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                try {
                    out.close();
                } catch (IOException ignored) {
                    // what was written is on disk, or the search says it cannot read it
                }
            }
        }

        void delete() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // target/ is cleaned by the next build
            }
        }
    }

    private static final class Appender extends AppenderBase<ILoggingEvent> {
        final LoggerContext context;
        private final LogstashEncoder encoder = new LogstashEncoder();
        private final Sink sink;

        Appender(LoggerContext context, Sink sink) {
            this.context = context;
            this.sink = sink;
            setContext(context);
            setName("canary-audit");
            encoder.setContext(context);
            encoder.start();
            start();
        }

        @Override
        protected void append(ILoggingEvent event) { // AppenderBase serialises calls
            sink.write(encoder.encode(event));
        }
    }

    private static final class Tee extends OutputStream {
        private final PrintStream original;
        private final Sink copy;

        Tee(PrintStream original, Sink copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            original.write(b);
            copy.write(new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            copy.write(b, off, len);
        }

        @Override
        public void flush() {
            original.flush();
        }
    }
}
