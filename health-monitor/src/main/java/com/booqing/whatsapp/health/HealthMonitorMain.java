package com.booqing.whatsapp.health;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.kafka.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** Wires configuration and shutdown; everything else is {@link HealthMonitor}. */
public final class HealthMonitorMain {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitorMain.class);

    private HealthMonitorMain() {
    }

    public static void main(String[] args) {
        Env env = Env.system();
        GatewayConfig config;
        HealthSettings settings;
        SecretBox secrets;
        try {
            config = GatewayConfig.from(env);
            settings = HealthSettings.from(env, config);
            secrets = SecretBox.fromEnv(env);
        } catch (ConfigException e) {
            log.error("cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Topics topics = Topics.withPrefix(config.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        HealthMonitor monitor = HealthMonitor.create(config, settings, topics, secrets, Clock.systemUTC(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        // The monitor's threads are daemons, so main stays alive until the JVM is asked to stop.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            monitor.close();
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
