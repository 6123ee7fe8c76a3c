package com.booqing.whatsapp.processor;

import com.booqing.whatsapp.common.config.ConfigException;
import com.booqing.whatsapp.common.config.Env;
import com.booqing.whatsapp.processor.config.ProcessorConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
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
        try {
            config = ProcessorConfig.from(Env.system());
        } catch (ConfigException e) {
            log.error("invalid configuration: {}", e.getMessage());
            System.exit(2);
            return;
        }
        Processor processor = new Processor(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Runtime.getRuntime().addShutdownHook(new Thread(processor::close, "processor-shutdown"));
        processor.start();
    }
}
