package com.booqing.whatsapp.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** What the figures were measured on. */
final class MachineInfo {
    private MachineInfo() {
    }

    static String describe() {
        Runtime rt = Runtime.getRuntime();
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", "));
        return rt.availableProcessors() + " cores (" + cpuModel() + "), " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version") + ", heap max " + rt.maxMemory() / (1024 * 1024)
                + " MiB, GC " + gcs + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    /** "1.23 1.10 0.98" (1, 5, 15 minutes), or "?" where /proc/loadavg is missing. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return l < 0 ? "?" : String.format("%.2f", l);
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }
}
