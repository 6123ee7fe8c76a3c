package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.metrics.Meters;
import com.booqing.whatsapp.common.metrics.MetricsServer;
import com.booqing.whatsapp.common.metrics.MetricsSettings;
import com.booqing.whatsapp.common.net.AddressPinning;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** Wires configuration and shutdown; everything else is {@link HealthMonitor}. */
public final class HealthMonitorMain {
    static {
        // First of all, before anything can start the common pool or an HTTP client (the logger below included).
        jvmDefaults();
    }

    /** The system property that sizes the common fork-join pool. */
    public static final String COMMON_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    /** The system property that bounds the idle connections the JDK HTTP client keeps (default: no bound). */
    public static final String HTTP_POOL_SIZE = "jdk.httpclient.connectionPoolSize";
    /** Idle connections kept, unless {@link #HTTP_POOL_SIZE} is given. */
    static final int DEFAULT_HTTP_POOL_SIZE = 64;
    private static final Logger log = LoggerFactory.getLogger(HealthMonitorMain.class);

    private HealthMonitorMain() {
    }

    /**
     * The JDK HTTP client hands every {@code sendAsync} answer to CompletableFuture's default executor: the common
     * fork-join pool, or, when that pool has a parallelism of 1 (machines with two cores or fewer), a new thread for
     * every answer. The monitor's checks are asynchronous, so on a small machine that was a thread started and ended
     * per check (JFR: 7,000 thread starts in 90 s, most of the CPU). Giving the common pool at least two threads
     * makes it a pool. Only effective before the common pool is first used; an explicit
     * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism} is left alone. {@link HealthMonitor} warns
     * when the pool is still a thread per task.
     */
    public static void useAPoolForAsyncAnswers() {
        if (System.getProperty(COMMON_PARALLELISM) == null) {
            System.setProperty(COMMON_PARALLELISM,
                    Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
        }
    }

    /**
     * The JDK HTTP client keeps every HTTP/1.1 connection it has ever opened idle in its pool (twenty minutes, with no
     * bound on their number), and walks the pool's linked expiry list on every connection taken from it and every one
     * given back. Connections are reused oldest first, so none ever expires while checks continue: after one burst of
     * concurrent checks the pool stays large for good, and with 100,000 endpoints that walk was 36% of the monitor's
     * CPU (JFR). Bounding the idle connections to {@value #DEFAULT_HTTP_POOL_SIZE} bounds the walk; a connection
     * beyond that is closed when its check ends. (With endpoints on many different hosts, each checked once a minute,
     * the unbounded pool would also hold one idle socket per host.) An explicit {@code -Djdk.httpclient.connectionPoolSize}
     * is left alone; only effective before the first HTTP client is built.
     */
    public static void boundTheHttpConnectionPool() {
        if (System.getProperty(HTTP_POOL_SIZE) == null) {
            System.setProperty(HTTP_POOL_SIZE, Integer.toString(DEFAULT_HTTP_POOL_SIZE));
        }
    }

    /** The JVM-wide settings the monitor needs, for any main that runs a {@link HealthMonitor}. */
    public static void jvmDefaults() {
        useAPoolForAsyncAnswers();
        boundTheHttpConnectionPool();
        // Lets a provider call connect to the address the URL guard checked (DNS-rebinding protection).
        AddressPinning.allowHostHeader();
    }

    public static void main(String[] args) {
        Env env = Env.system();
        GatewayConfig config;
        HealthSettings settings;
        SecretBox secrets;
        MetricsSettings metricsSettings;
        try {
            config = GatewayConfig.from(env);
            settings = HealthSettings.from(env, config);
            secrets = SecretBox.fromEnv(env);
            metricsSettings = MetricsSettings.from(env, MetricsSettings.HEALTH_PORT, MetricsSettings.HEALTH_DEFAULT_PORT);
        } catch (ConfigException e) {
            log.error("cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Topics topics = Topics.withPrefix(config.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        PrometheusMeterRegistry meters = Meters.prometheus(metricsSettings);
        HealthMonitor monitor = HealthMonitor.create(config, settings, topics, secrets, Clock.systemUTC(), meters);
        MetricsServer metrics;
        try {
            metrics = MetricsServer.start(metricsSettings, MetricsSettings.HEALTH_PORT, meters, monitor::isRunning);
        } catch (ConfigException e) {
            log.error("cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        // The monitor's threads are daemons, so main stays alive until the JVM is asked to stop.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            monitor.close();
            metrics.close();
            stopped.countDown();
        }, "health-monitor-shutdown"));
        try {
            monitor.start();
        } catch (RuntimeException e) {
            log.error("cannot start the health monitor: {}", e.getMessage());
            System.exit(1);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
