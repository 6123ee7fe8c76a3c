package com.booqing.whatsapp.processor;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.common.metrics.Meters;
import com.booqing.whatsapp.common.metrics.MetricsServer;
import com.booqing.whatsapp.common.metrics.MetricsSettings;
import com.booqing.whatsapp.processor.config.ProcessorConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the configuration, starts the processor and closes it on shutdown. */
public final class ProcessorMain {
    private static final Logger log = LoggerFactory.getLogger(ProcessorMain.class);

    private ProcessorMain() {
    }

    public static void main(String[] args) {
        ProcessorConfig config;
        MetricsSettings metricsSettings;
        try {
            Env env = Env.system();
            config = ProcessorConfig.from(env);
            metricsSettings = MetricsSettings.from(env, MetricsSettings.PROCESSOR_PORT,
                    MetricsSettings.PROCESSOR_DEFAULT_PORT);
        } catch (ConfigException e) {
            log.error("invalid configuration: {}", e.getMessage());
            System.exit(2);
            return;
        }
        PrometheusMeterRegistry meters = Meters.prometheus(metricsSettings);
        Processor processor = new Processor(config, meters);
        MetricsServer metrics;
        try {
            metrics = MetricsServer.start(metricsSettings, MetricsSettings.PROCESSOR_PORT, meters, processor::isHealthy);
        } catch (ConfigException e) {
            log.error("cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            processor.close();
            metrics.close();
        }, "processor-shutdown"));
        processor.start();
    }
}
