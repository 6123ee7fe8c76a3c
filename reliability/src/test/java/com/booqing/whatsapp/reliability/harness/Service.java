package com.booqing.whatsapp.reliability.harness;

/**
 * The gateway's services as child JVMs: module (also its artifactId), main class, the variable of the port that
 * tells when it is up, and the path answered 200 there once it is.
 */
public enum Service {
    INGRESS("ingress", "com.booqing.whatsapp.ingress.IngressMain", "INGRESS_PORT", "/health"),
    PROCESSOR("processor", "com.booqing.whatsapp.processor.ProcessorMain", "PROCESSOR_METRICS_PORT", "/healthz"),
    SENDER("sender", "com.booqing.whatsapp.sender.SenderMain", "SENDER_METRICS_PORT", "/healthz"),
    HEALTH_MONITOR("health-monitor", "com.booqing.whatsapp.health.HealthMonitorMain", "HEALTH_METRICS_PORT", "/healthz"),
    SIMULATOR("simulator", "com.booqing.whatsapp.simulator.SimulatorMain", "SIMULATOR_PORT", "/_admin/health"),
    /** The embedded KRaft broker's main (devstack), for brokers a test kills and restarts: see {@link KafkaNode}. */
    KAFKA("devstack", "com.booqing.whatsapp.devstack.KafkaBrokerMain", null, null);

    private final String module;
    private final String mainClass;
    private final String portVariable;
    private final String readyPath;

    Service(String module, String mainClass, String portVariable, String readyPath) {
        this.module = module;
        this.mainClass = mainClass;
        this.portVariable = portVariable;
        this.readyPath = readyPath;
    }

    public String module() {
        return module;
    }

    public String mainClass() {
        return mainClass;
    }

    /** The environment variable of its HTTP port (health or metrics), or null. */
    public String portVariable() {
        return portVariable;
    }

    public String readyPath() {
        return readyPath;
    }
}
