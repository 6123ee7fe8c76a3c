package com.booqing.whatsapp.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time by where it went: this JVM's threads grouped by role (from /proc/self/task), the broker JVM, a Redis
 * this run started, and the whole machine (/proc/stat), so that a phase can say where the two cores went,
 * including to other work on a shared machine. Linux only for the per-thread and machine figures; elsewhere
 * those read as unknown.
 */
final class CpuSampler {
    private static final Path PROC_STAT = Path.of("/proc/stat");
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final double NANOS_PER_TICK = 1e9 / 100; // USER_HZ is 100 on Linux

    /** Roles of this JVM's threads, told apart by thread name. */
    enum Role {
        GENERATOR("load generator"), HTTP("Jetty threads (ingress or bare handler)"), KAFKA_CLIENT("Kafka producer I/O"),
        JIT("JIT compilers"), GC("GC and VM"), PIPELINE("processor + Redis poller"),
        SIMULATOR("the provider simulator's servers"), SENDER("the sender: its loop, workers and HTTP pool"),
        OTHER("other JVM threads");

        final String description;

        Role(String description) {
            this.description = description;
        }

        static Role of(String threadName) {
            if (threadName.startsWith("loadgen-")) {
                return GENERATOR;
            }
            if (threadName.startsWith("JettyServerThre") || threadName.startsWith("qtp")) {
                return HTTP;
            }
            if (threadName.startsWith("kafka-producer-")) {
                return KAFKA_CLIENT;
            }
            if (threadName.startsWith("C1 Compiler") || threadName.startsWith("C2 Compiler")) {
                return JIT;
            }
            if (threadName.startsWith("GC Thread") || threadName.startsWith("G1 ") || threadName.startsWith("VM ")) {
                return GC;
            }
            if (threadName.contains("StreamThre") || threadName.startsWith("redis-")) {
                return PIPELINE;
            }
            if (threadName.startsWith("sim-")) {
                return SIMULATOR;
            }
            if (threadName.startsWith("sender-") || threadName.startsWith("provider-call")) {
                return SENDER;
            }
            return OTHER;
        }
    }

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long brokerPid;

    CpuSampler(long brokerPid) {
        this.brokerPid = brokerPid;
    }

    /**
     * @param roles              CPU nanos of this JVM's live threads by role (empty where /proc is missing)
     * @param machineBusyJiffies user+nice+system+irq+softirq+steal over all cores, -1 when unknown
     * @param machineAllJiffies  the same plus idle and iowait
     */
    record Snapshot(long jvmNanos, Map<Role, Long> roles, long brokerNanos, long otherChildrenNanos,
                    long machineBusyJiffies, long machineAllJiffies, int machineCpus) {
    }

    Snapshot snapshot() {
        long[] machine = machineJiffies();
        long broker = 0;
        long others = 0;
        // descendants: devstack starts each server under a small sh guard
        List<ProcessHandle> children = ProcessHandle.current().descendants().toList();
        for (ProcessHandle child : children) {
            long cpu = child.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
            if (child.pid() == brokerPid) {
                broker = cpu;
            } else {
                others += cpu;
            }
        }
        return new Snapshot(os.getProcessCpuTime(), threadRoles(), broker, others, machine[0], machine[1],
                (int) machine[2]);
    }

    private static Map<Role, Long> threadRoles() {
        Map<Role, Long> roles = new EnumMap<>(Role.class);
        for (Task t : tasks()) {
            roles.merge(Role.of(t.name()), t.cpuNanos(), Long::sum);
        }
        return roles;
    }

    /** One thread of this JVM as /proc/self/task/{tid} shows it. */
    record Task(String name, long userTicks, long systemTicks, Path dir) {
        long cpuNanos() {
            return (long) ((userTicks + systemTicks) * NANOS_PER_TICK);
        }

        long systemNanos() {
            return (long) (systemTicks * NANOS_PER_TICK);
        }
    }

    /** This JVM's live threads; empty off Linux. Threads that end while they are read are left out. */
    static List<Task> tasks() {
        List<Task> all = new java.util.ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    all.add(new Task(name, Long.parseLong(f[11]), Long.parseLong(f[12]), task)); // utime, stime
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            return List.of();
        }
        return all;
    }

    /**
     * CPU nanos of this JVM's live threads by name with the digits folded ("qtp1234-56" and "qtp1234-57" are both
     * "qtp#-#"), for a finer split than the roles when many services share the JVM (LoadRun). Empty off Linux.
     */
    static Map<String, Long> threadGroups() {
        Map<String, Long> groups = new java.util.HashMap<>();
        for (Task t : tasks()) {
            groups.merge(t.name().replaceAll("[0-9]+", "#"), t.cpuNanos(), Long::sum);
        }
        return groups;
    }

    private static long[] machineJiffies() {
        try {
            List<String> lines = Files.readAllLines(PROC_STAT);
            String[] f = lines.get(0).trim().split("\\s+");
            long cpus = lines.stream().filter(l -> l.matches("cpu[0-9]+ .*")).count();
            long user = Long.parseLong(f[1]), nice = Long.parseLong(f[2]), system = Long.parseLong(f[3]);
            long idle = Long.parseLong(f[4]), iowait = Long.parseLong(f[5]), irq = Long.parseLong(f[6]);
            long softirq = Long.parseLong(f[7]), steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            long busy = user + nice + system + irq + softirq + steal;
            return new long[]{busy, busy + idle + iowait, cpus};
        } catch (IOException | RuntimeException e) {
            return new long[]{-1, -1, Runtime.getRuntime().availableProcessors()};
        }
    }
}
