package com.booqing.whatsapp.sender;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.config.GatewayConfig;
import com.booqing.whatsapp.common.crypto.SecretBox;
import com.booqing.whatsapp.common.kafka.Topics;
import com.booqing.whatsapp.common.metrics.Meters;
import com.booqing.whatsapp.common.metrics.MetricsServer;
import com.booqing.whatsapp.common.metrics.MetricsSettings;
import com.booqing.whatsapp.common.redis.RedisClients;
import com.booqing.whatsapp.common.redis.RedisKeys;
import com.booqing.whatsapp.sender.delivery.Sleeper;
import com.booqing.whatsapp.sender.idempotency.RedisIdempotencyStore;
import com.booqing.whatsapp.sender.provider.CloudApiAdapter;
import com.booqing.whatsapp.sender.provider.EndpointAddressCheck;
import com.booqing.whatsapp.sender.provider.EvolutionAdapter;
import com.booqing.whatsapp.sender.provider.ProviderClient;
import com.booqing.whatsapp.sender.provider.WahaAdapter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Wires configuration and shutdown; everything else is {@link Sender}. */
public final class SenderMain {
    private static final Logger log = LoggerFactory.getLogger(SenderMain.class);

    private SenderMain() {
    }

    public static void main(String[] args) {
        Env env = Env.system();
        GatewayConfig config;
        SenderSettings settings;
        SecretBox secrets;
        MetricsSettings metricsSettings;
        try {
            config = GatewayConfig.from(env);
            settings = SenderSettings.from(env, config);
            secrets = SecretBox.fromEnv(env);
            metricsSettings = MetricsSettings.from(env, MetricsSettings.SENDER_PORT, MetricsSettings.SENDER_DEFAULT_PORT);
        } catch (ConfigException e) {
            log.error("cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Topics topics = Topics.withPrefix(config.topicPrefix(), Topics.DEFAULT_PARTITIONS);
        PrometheusMeterRegistry meters = Meters.prometheus(metricsSettings);
        Duration connectTimeout = config.defaultTimeout().compareTo(Duration.ofSeconds(10)) < 0
                ? config.defaultTimeout() : Duration.ofSeconds(10);
        ProviderClient http = ProviderClient.create(connectTimeout, EndpointAddressCheck.from(config));
        JedisPooled redis = RedisClients.pooled(config.redisUrl(), 32);
        Sender sender = new Sender(config, settings, topics, secrets,
                List.of(new CloudApiAdapter(http), new WahaAdapter(http), new EvolutionAdapter(http)),
                new RedisIdempotencyStore(redis, new RedisKeys(config.redisNamespace())), Clock.systemUTC(),
                Sleeper.SYSTEM, meters);
        MetricsServer metrics;
        try {
            metrics = MetricsServer.start(metricsSettings, MetricsSettings.SENDER_PORT, meters, sender::isRunning);
        } catch (ConfigException e) {
            log.error("cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sender.close();
            http.close();
            redis.close();
            metrics.close();
        }, "sender-shutdown"));
        sender.start();
    }
}
