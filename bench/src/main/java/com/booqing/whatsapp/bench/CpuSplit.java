package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.bench.CpuSampler.Role;

import java.util.EnumMap;
import java.util.Map;

/**
 * Where the CPU went during one phase, in cores (CPU seconds per wall-clock second).
 *
 * @param jvm     all of this JVM: the load generator, the server under test (ingress or bare Javalin), the
 *                idle other servers, GC and JIT
 * @param roles   part of {@code jvm} by thread role (empty when unknown)
 * @param broker  the Kafka broker JVM
 * @param redis   a Redis this run started (0 when it uses REDIS_URL's; then it is part of {@code others})
 * @param others  everything else on the machine: other builds, a shared Redis (NaN when unknown)
 * @param machine all of the machine's busy time (NaN when unknown)
 */
record CpuSplit(double jvm, Map<Role, Double> roles, double broker, double redis, double others, double machine) {

    static CpuSplit between(CpuSampler.Snapshot a, CpuSampler.Snapshot b, long wallNanos) {
        double wall = Math.max(1, wallNanos);
        double jvm = (b.jvmNanos() - a.jvmNanos()) / wall;
        Map<Role, Double> roles = new EnumMap<>(Role.class);
        b.roles().forEach((role, nanos) -> roles.put(role,
                Math.max(0, nanos - a.roles().getOrDefault(role, 0L)) / wall));
        double broker = (b.brokerNanos() - a.brokerNanos()) / wall;
        double redis = (b.otherChildrenNanos() - a.otherChildrenNanos()) / wall;
        double machine = Double.NaN;
        if (a.machineAllJiffies() >= 0 && b.machineAllJiffies() > a.machineAllJiffies()) {
            double share = (double) (b.machineBusyJiffies() - a.machineBusyJiffies())
                    / (b.machineAllJiffies() - a.machineAllJiffies());
            machine = share * b.machineCpus();
        }
        double others = Double.isNaN(machine) ? Double.NaN : Math.max(0, machine - jvm - broker - redis);
        return new CpuSplit(jvm, roles, broker, redis, others, machine);
    }

    CpuSplit withRole(Role role, double cores) {
        Map<Role, Double> r = new EnumMap<>(Role.class);
        r.putAll(roles);
        r.put(role, cores);
        return new CpuSplit(jvm, r, broker, redis, others, machine);
    }

    double role(Role role) {
        return roles.getOrDefault(role, 0.0);
    }

    /**
     * Cores the system under test used: this JVM without its JIT compilers, the broker and a Redis this run started.
     * Compilation is left out because it is warm-up that ends, other processes because they are not ours.
     */
    double system() {
        return jvm - role(Role.JIT) + broker + redis;
    }

    /** One line: "gen 0.50 http 0.90 kafka 0.05 jit 0.30 gc 0.02 | broker 0.15 | redis 0.00 | others 0.40 / 2.00". */
    String describe() {
        StringBuilder b = new StringBuilder();
        if (!roles.isEmpty()) {
            b.append(String.format("gen %.2f http %.2f kafka-io %.2f jit %.2f gc %.2f pipe %.2f", role(Role.GENERATOR),
                    role(Role.HTTP), role(Role.KAFKA_CLIENT), role(Role.JIT), role(Role.GC), role(Role.PIPELINE)));
            // Only runs with a simulator or a sender in this JVM have these threads.
            if (role(Role.SIMULATOR) > 0 || role(Role.SENDER) > 0) {
                b.append(String.format(" sim %.2f sender %.2f", role(Role.SIMULATOR), role(Role.SENDER)));
            }
            b.append(String.format(" other %.2f", role(Role.OTHER)));
        } else {
            b.append(String.format("this JVM %.2f", jvm));
        }
        b.append(String.format(" | broker %.2f | redis %.2f | other procs %s | machine %s", broker, redis,
                fmt(others), fmt(machine)));
        return b.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "?" : String.format("%.2f", v);
    }
}
