package com.booqing.whatsapp.simulator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/** Runs the simulator's admin API on 127.0.0.1:$SIMULATOR_PORT (default 9090) until the JVM is stopped. */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            // The simulator does not depend on common, which owns the shared logback.xml.
            boolean json = "json".equalsIgnoreCase(System.getenv("LOG_FORMAT"));
            System.setProperty("logback.configurationFile",
                    json ? "simulator-logback-json.xml" : "simulator-logback.xml");
        }
        Logger log = LoggerFactory.getLogger(SimulatorMain.class);
        int port = port(System.getenv("SIMULATOR_PORT"));
        Simulator simulator = new Simulator(SimulatorConfig.defaults()).start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("simulator stopping");
            simulator.close();
            stopped.countDown();
        }, "simulator-shutdown"));
        log.info("simulator ready, admin API at {}/_admin", simulator.adminUrl());
        stopped.await();
    }

    static int port(String value) {
        if (value == null || value.isBlank()) {
            return 9090;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SIMULATOR_PORT must be a port number 0..65535, got '" + value + "'");
        }
    }
}
