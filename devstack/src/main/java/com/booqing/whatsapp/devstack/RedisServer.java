package com.booqing.whatsapp.devstack;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.embedded.core.ExecutableProvider;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a Redis for tests and the local stack: the one at REDIS_URL if it answers PING, otherwise a
 * {@code redis-server} from PATH, otherwise the binary shipped in embedded-redis; the last two on a free
 * loopback port without persistence. {@link #close()} stops only a server this object started. Nothing here
 * ever flushes a database.
 */
public final class RedisServer implements AutoCloseable {
    public static final String ENV = "REDIS_URL";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final URI url;
    private final String description;
    private final ChildProcess process;
    private final Path dir;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private RedisServer(URI url, String description, ChildProcess process, Path dir) {
        this.url = url;
        this.description = description;
        this.process = process;
        this.dir = dir;
        if (process != null) {
            shutdownHook = new Thread(this::stop, "redis-server-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            shutdownHook = null;
        }
    }

    /** Uses REDIS_URL from the environment when it is set and answers. */
    public static RedisServer resolve() {
        return resolve(System.getenv(ENV));
    }

    /** @param redisUrl a Redis to use if it answers PING; null or blank to start one */
    public static RedisServer resolve(String redisUrl) {
        String unreachable = "";
        if (redisUrl != null && !redisUrl.isBlank()) {
            URI given = URI.create(redisUrl.trim());
            Optional<String> version = ping(given, Duration.ofSeconds(2));
            if (version.isPresent()) {
                return new RedisServer(given, "Redis: using REDIS_URL " + redacted(given), null, null);
            }
            unreachable = " (REDIS_URL " + redacted(given) + " did not answer)";
        }
        Optional<Path> onPath = findOnPath("redis-server");
        if (onPath.isPresent()) {
            return startBinary(onPath.get(), "redis-server", unreachable);
        }
        try {
            File embedded = ExecutableProvider.newJarResourceProvider().get();
            if (!embedded.canExecute() && !embedded.setExecutable(true)) {
                throw new IOException("cannot make " + embedded + " executable");
            }
            return startBinary(embedded.toPath(), "embedded-redis binary", unreachable);
        } catch (IOException e) {
            throw new UncheckedIOException("no Redis: REDIS_URL does not answer, redis-server is not on PATH"
                    + " and the embedded-redis binary cannot run here", e);
        }
    }

    /** Starts the binary shipped inside embedded-redis, whatever REDIS_URL and PATH offer. */
    public static RedisServer startEmbedded() {
        try {
            File embedded = ExecutableProvider.newJarResourceProvider().get();
            if (!embedded.canExecute() && !embedded.setExecutable(true)) {
                throw new IOException("cannot make " + embedded + " executable");
            }
            return startBinary(embedded.toPath(), "embedded-redis binary", "");
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded-redis binary cannot run here", e);
        }
    }

    /** redis://127.0.0.1:port for a server started here; otherwise the given REDIS_URL. */
    public String url() {
        return url.toString();
    }

    public URI uri() {
        return url;
    }

    /** True when this object started the server (and so will stop it). */
    public boolean started() {
        return process != null;
    }

    /** One line for a console or a test log, e.g. "Redis: started redis-server 7.0.15 on port 40123". */
    public String describe() {
        return description;
    }

    /**
     * For an owner that closes this itself, in an order of its choosing, from its own shutdown hook: without
     * this, the JVM's shutdown would stop the server at the same time as everything else.
     */
    public RedisServer withoutShutdownHook() {
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
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
        stop();
    }

    private synchronized void stop() {
        if (closed || process == null) {
            return;
        }
        closed = true;
        process.stop(Duration.ofSeconds(5));
        KafkaBroker.deleteTree(dir);
    }

    private static RedisServer startBinary(Path binary, String kind, String note) {
        int attempts = 2;
        for (int attempt = 1; ; attempt++) {
            int port = FreePorts.next();
            Path dir;
            try {
                dir = Files.createTempDirectory("devstack-redis-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for redis-server", e);
            }
            ChildProcess child;
            try {
                child = ChildProcess.start("redis", List.of(binary.toString(),
                        "--port", Integer.toString(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                        "--daemonize", "no"), Map.of(), dir.resolve("redis.log"), dir);
            } catch (IOException e) {
                KafkaBroker.deleteTree(dir);
                throw new UncheckedIOException("cannot start " + binary, e);
            }
            URI url = URI.create("redis://127.0.0.1:" + port);
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            Optional<String> version = Optional.empty();
            while (child.isAlive() && System.nanoTime() < deadline) {
                version = ping(url, Duration.ofMillis(500));
                if (version.isPresent()) {
                    break;
                }
                sleep(50);
            }
            if (version.isPresent()) {
                String what = kind.equals("redis-server") ? "redis-server " + version.get() : kind + " " + version.get();
                return new RedisServer(url, "Redis: started " + what + " on port " + port + note, child, dir);
            }
            String tail = child.logTail(20);
            child.stop(Duration.ofSeconds(3));
            KafkaBroker.deleteTree(dir);
            if (attempt < attempts && tail.contains("Address already in use")) {
                continue;
            }
            throw new IllegalStateException("Redis (" + binary + ") did not answer on port " + port + " within "
                    + START_TIMEOUT.toSeconds() + " s\n--- redis log ---\n" + tail);
        }
    }

    /** @return the server's version when it answers PING */
    static Optional<String> ping(URI url, Duration timeout) {
        JedisClientConfig config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) timeout.toMillis())
                .socketTimeoutMillis((int) timeout.toMillis())
                .user(userOf(url)).password(passwordOf(url))
                .ssl("rediss".equals(url.getScheme()))
                .build();
        int port = url.getPort() == -1 ? 6379 : url.getPort();
        try (Jedis jedis = new Jedis(new HostAndPort(url.getHost(), port), config)) {
            if (!"PONG".equals(jedis.ping())) {
                return Optional.empty();
            }
            for (String line : jedis.info("server").split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    return Optional.of(line.substring("redis_version:".length()).trim());
                }
            }
            return Optional.of("?");
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String userOf(URI url) {
        String info = url.getUserInfo();
        if (info == null || !info.contains(":")) {
            return null;
        }
        String user = info.substring(0, info.indexOf(':'));
        return user.isEmpty() ? null : user;
    }

    private static String passwordOf(URI url) {
        String info = url.getUserInfo();
        if (info == null) {
            return null;
        }
        return info.contains(":") ? info.substring(info.indexOf(':') + 1) : info;
    }

    /** The URL without its password, for printing. */
    static String redacted(URI url) {
        if (url.getUserInfo() == null) {
            return url.toString();
        }
        return url.getScheme() + "://***@" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(File.pathSeparator)) {
            if (d.isBlank()) {
                continue;
            }
            Path p = Paths.get(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
