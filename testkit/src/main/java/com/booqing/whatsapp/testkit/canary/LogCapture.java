package com.booqing.whatsapp.testkit.canary;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every log event of this JVM, of every logger at DEBUG, written with the services' production encoder (one
 * LogstashEncoder JSON object per line, stack traces included) to files sorted by who could emit it in production:
 *
 * <ul>
 *   <li>{@link Kind#GATEWAY}: the gateway's own loggers ({@code com.booqing}, the simulator excepted) at DEBUG,
 *       which {@code LOG_LEVEL=DEBUG} turns on in production;</li>
 *   <li>{@link Kind#LIBRARY}: third-party loggers at the levels the services' logback.xml lets through (INFO, and
 *       WARN for Kafka, Jetty and Javalin);</li>
 *   <li>{@link Kind#LIBRARY_DEBUG}: third-party lines below those levels, which no production setting shows;</li>
 *   <li>{@link Kind#SIMULATOR}: the stand-in WhatsApp servers, which are not the gateway.</li>
 * </ul>
 *
 * Plus whatever is printed on System.out and System.err while it runs. {@link #close()} restores every level and
 * stream, so the other tests of this JVM keep their configuration.
 */
public final class LogCapture implements AutoCloseable {

    public enum Kind { GATEWAY, LIBRARY, LIBRARY_DEBUG, SIMULATOR, STDOUT_STDERR }

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final Map<String, Level> originalLevels = new HashMap<>();
    private final Map<Kind, Path> files = new EnumMap<>(Kind.class);
    private final Map<Kind, OutputStream> streams = new EnumMap<>(Kind.class);
    /** Loggers whose DEBUG output is large: kept at INFO unless asked for. */
    public static final List<String> NOISY = List.of("org.eclipse.jetty", "org.apache.kafka");

    private final Appender appender = new Appender();
    private final List<ch.qos.logback.core.Appender<ILoggingEvent>> consoleAppenders = new ArrayList<>();
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    /**
     * @param dir           where the files go
     * @param noisyAtDebug  also Jetty and the Kafka clients at DEBUG (about 200 MB and minutes per run on two
     *                      cores); otherwise they run at INFO, one level below what production lets through
     */
    public LogCapture(Path dir, boolean noisyAtDebug) {
        try {
            Files.createDirectories(dir);
            for (Kind k : Kind.values()) {
                Path file = dir.resolve(k.name().toLowerCase().replace('_', '-') + ".log");
                files.put(k, file);
                if (k != Kind.STDOUT_STDERR) {
                    streams.put(k, new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                originalLevels.put(logger.getName(), logger.getLevel());
                logger.setLevel(Level.DEBUG);
            }
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.DEBUG);
        if (!noisyAtDebug) {
            for (String noisy : NOISY) {
                Logger l = context.getLogger(noisy);
                originalLevels.putIfAbsent(noisy, l.getLevel());
                l.setLevel(Level.INFO);
            }
        }
        // The console would print the same lines again (and hundreds of megabytes into failsafe's report). The
        // suite-wide audit's appender (CanaryAudit) is detached with them: what is captured here at DEBUG is
        // searched by the capture's owner, against its own rules for what is shown by design.
        root.iteratorForAppenders().forEachRemaining(consoleAppenders::add);
        consoleAppenders.forEach(root::detachAppender);
        appender.setContext(context);
        appender.setName("secret-canary-capture");
        appender.start();
        root.addAppender(appender);
        System.setOut(new PrintStream(new Tee(originalOut), true));
        System.setErr(new PrintStream(new Tee(originalErr), true));
    }

    public Path file(Kind kind) {
        return files.get(kind);
    }

    /** Flushes everything captured so far to the files. */
    public synchronized void flush() {
        try {
            for (OutputStream s : streams.values()) {
                s.flush();
            }
            synchronized (printed) {
                Files.write(files.get(Kind.STDOUT_STDERR), printed.toByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender(appender);
        appender.stop();
        consoleAppenders.forEach(root::addAppender);
        for (Logger logger : context.getLoggerList()) {
            logger.setLevel(originalLevels.get(logger.getName()));
        }
        flush();
        for (OutputStream s : streams.values()) {
            try {
                s.close();
            } catch (IOException ignored) {
                // the files were flushed above
            }
        }
    }

    /** The least level the services' logback.xml lets through for a logger, LOG_LEVEL=DEBUG assumed. */
    public static Level productionThreshold(String logger) {
        if (logger.startsWith("com.booqing")) {
            return Level.DEBUG;
        }
        if (logger.startsWith("org.apache.kafka") || logger.startsWith("org.eclipse.jetty")
                || logger.startsWith("io.javalin")) {
            return Level.WARN;
        }
        return Level.INFO;
    }

    public static Kind kindOf(ILoggingEvent e) {
        String name = e.getLoggerName();
        if (name.startsWith("com.booqing.whatsapp.simulator")) {
            return Kind.SIMULATOR;
        }
        if (name.startsWith("com.booqing")) {
            return Kind.GATEWAY;
        }
        return e.getLevel().isGreaterOrEqual(productionThreshold(name)) ? Kind.LIBRARY : Kind.LIBRARY_DEBUG;
    }

    private final class Appender extends AppenderBase<ILoggingEvent> {
        private final LogstashEncoder encoder = new LogstashEncoder();

        @Override
        public void start() {
            encoder.setContext(context);
            encoder.start();
            super.start();
        }

        @Override
        protected void append(ILoggingEvent event) { // AppenderBase serialises calls
            try {
                streams.get(kindOf(event)).write(encoder.encode(event));
            } catch (IOException e) {
                addError("cannot write a captured event", e);
            }
        }
    }

    private final class Tee extends OutputStream {
        private final PrintStream original;

        Tee(PrintStream original) {
            this.original = original;
        }

        @Override
        public void write(int b) {
            original.write(b);
            synchronized (printed) {
                printed.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            synchronized (printed) {
                printed.write(b, off, len);
            }
        }
    }
}
