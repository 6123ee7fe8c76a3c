package com.booqing.whatsapp.reliability.secrets;

import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.metrics.Meters;
import com.booqing.whatsapp.common.metrics.MetricsServer;
import com.booqing.whatsapp.common.metrics.MetricsSettings;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.health.HealthMonitor;
import com.booqing.whatsapp.health.HealthSettings;
import com.booqing.whatsapp.ingress.Ingress;
import com.booqing.whatsapp.ingress.IngressConfig;
import com.booqing.whatsapp.ingress.IngressDependencies;
import com.booqing.whatsapp.processor.Processor;
import com.booqing.whatsapp.processor.config.ProcessorConfig;
import com.booqing.whatsapp.sender.Sender;
import com.booqing.whatsapp.sender.SenderSettings;
import com.booqing.whatsapp.sender.delivery.Sleeper;
import com.booqing.whatsapp.sender.idempotency.RedisIdempotencyStore;
import com.booqing.whatsapp.sender.provider.CloudApiAdapter;
import com.booqing.whatsapp.sender.provider.EvolutionAdapter;
import com.booqing.whatsapp.sender.provider.WahaAdapter;
import com.booqing.whatsapp.simulator.Simulator;
import com.booqing.whatsapp.simulator.SimulatorConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import redis.clients.jedis.JedisPooled;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The whole gateway in this JVM — processor, ingress, sender, health monitor with its device manager, and the
 * simulator as the WhatsApp servers — wired from an environment the way the services' mains wire it (a copy of
 * e2e's Pipeline without its seeding: every tenant, endpoint and key of the canary run goes through the REST API,
 * so that each secret takes the path a real one takes).
 */
final class CanaryGateway implements AutoCloseable {
    final Env env;
    final GatewayConfig gateway;
    final Topics topics;
    final RedisKeys keys;
    final SecretBox secrets;
    final Simulator simulator;
    final Processor processor;
    final Ingress ingress;
    final Sender sender;
    final HealthMonitor healthMonitor;
    final MetricsServer processorMetrics;
    final MetricsServer senderMetrics;
    final MetricsServer healthMetrics;
    private final JedisPooled senderRedis;

    CanaryGateway(Map<String, String> vars, SimulatorConfig simulatorConfig) {
        env = new Env(vars);
        gateway = GatewayConfig.from(env);
        topics = Topics.withPrefix(gateway.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        keys = new RedisKeys(gateway.redisNamespace());
        secrets = SecretBox.fromEnv(env);

        simulator = new Simulator(simulatorConfig).start(0);
        MetricsSettings processorSettings = MetricsSettings.from(env, MetricsSettings.PROCESSOR_PORT, 0);
        PrometheusMeterRegistry processorMeters = Meters.prometheus(processorSettings);
        processor = new Processor(ProcessorConfig.from(env), processorMeters);
        processorMetrics = MetricsServer.start(processorSettings, MetricsSettings.PROCESSOR_PORT, processorMeters,
                processor::isHealthy);
        processor.start(); // creates the topics

        ingress = new Ingress(IngressConfig.from(env), IngressDependencies.production(gateway, secrets));
        senderRedis = RedisClients.pooled(gateway.redisUrl(), 16);
        Duration connectTimeout = gateway.defaultTimeout().compareTo(Duration.ofSeconds(10)) < 0
                ? gateway.defaultTimeout() : Duration.ofSeconds(10);
        var http = CloudApiAdapter.httpClient(connectTimeout);
        MetricsSettings senderSettings = MetricsSettings.from(env, MetricsSettings.SENDER_PORT, 0);
        PrometheusMeterRegistry senderMeters = Meters.prometheus(senderSettings);
        sender = new Sender(gateway, SenderSettings.from(env, gateway), topics, secrets,
                List.of(new CloudApiAdapter(http), new WahaAdapter(http), new EvolutionAdapter(http)),
                new RedisIdempotencyStore(senderRedis, keys), Clock.systemUTC(), Sleeper.SYSTEM, senderMeters);
        senderMetrics = MetricsServer.start(senderSettings, MetricsSettings.SENDER_PORT, senderMeters,
                sender::isRunning);
        CompletableFuture<Void> senderStarted = CompletableFuture.runAsync(sender::start);
        MetricsSettings healthSettings = MetricsSettings.from(env, MetricsSettings.HEALTH_PORT, 0);
        PrometheusMeterRegistry healthMeters = Meters.prometheus(healthSettings);
        healthMonitor = HealthMonitor.create(gateway, HealthSettings.from(env, gateway), topics, secrets,
                Clock.systemUTC(), healthMeters);
        healthMetrics = MetricsServer.start(healthSettings, MetricsSettings.HEALTH_PORT, healthMeters,
                healthMonitor::isRunning);
        CompletableFuture<Void> monitorStarted = CompletableFuture.runAsync(healthMonitor::start);
        ingress.start();
        awaitReady();
        senderStarted.join();
        monitorStarted.join();
    }

    String ingressUrl() {
        return "http://127.0.0.1:" + ingress.port();
    }

    /** The metrics servers' base URLs, by service. */
    Map<String, String> metricsUrls() {
        return Map.of("processor", "http://127.0.0.1:" + processorMetrics.port(),
                "sender", "http://127.0.0.1:" + senderMetrics.port(),
                "health-monitor", "http://127.0.0.1:" + healthMetrics.port());
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ingress.isReady()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ingress did not become ready within 60 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the ingress", e);
            }
        }
    }

    @Override
    public void close() {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        stopping.add(CompletableFuture.runAsync(() -> closeQuietly(sender::close)));
        stopping.add(CompletableFuture.runAsync(() -> closeQuietly(ingress::close)));
        stopping.add(CompletableFuture.runAsync(() -> closeQuietly(processor::close)));
        stopping.add(CompletableFuture.runAsync(() -> closeQuietly(healthMonitor::close)));
        CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new)).join();
        closeQuietly(processorMetrics::close);
        closeQuietly(senderMetrics::close);
        closeQuietly(healthMetrics::close);
        closeQuietly(senderRedis::close);
        closeQuietly(simulator::close);
    }

    private static void closeQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("canary gateway: close failed: " + e.getClass().getName());
        }
    }
}
