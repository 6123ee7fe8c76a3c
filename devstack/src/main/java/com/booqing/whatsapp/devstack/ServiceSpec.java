package com.booqing.whatsapp.devstack;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One gateway service as the local stack runs it: {@code java -cp <module>/target/<artifact>.jar:<module>/target/lib/*
 * <mainClass>}.
 *
 * @param module     directory of the Maven module, which is also its artifactId
 * @param healthPath path answered with 200 once the service is up, or null when it has no HTTP port
 */
record ServiceSpec(String name, String module, String mainClass, String healthPath) {

    static final List<ServiceSpec> ALL = List.of(
            new ServiceSpec("simulator", "simulator", "com.booqing.whatsapp.simulator.SimulatorMain", "/_admin/health"),
            new ServiceSpec("ingress", "ingress", "com.booqing.whatsapp.ingress.IngressMain", "/health"),
            new ServiceSpec("processor", "processor", "com.booqing.whatsapp.processor.ProcessorMain", null),
            new ServiceSpec("sender", "sender", "com.booqing.whatsapp.sender.SenderMain", null),
            new ServiceSpec("health-monitor", "health-monitor", "com.booqing.whatsapp.health.HealthMonitorMain", null));

    static Optional<ServiceSpec> named(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("health")) {
            n = "health-monitor";
        }
        for (ServiceSpec s : ALL) {
            if (s.name.equals(n)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    Path jar(Path projectDir, String version) {
        return projectDir.resolve(module).resolve("target").resolve(module + "-" + version + ".jar");
    }

    Path lib(Path projectDir) {
        return projectDir.resolve(module).resolve("target").resolve("lib");
    }

    boolean hasHttp() {
        return healthPath != null;
    }
}
