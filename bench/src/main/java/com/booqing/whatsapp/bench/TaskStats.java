package com.booqing.whatsapp.bench;

import com.booqing.whatsapp.bench.CpuSampler.Role;

import java.io.IOException;
import java.nio.file.Files;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the CPU figures alone do not say: how much of a role's CPU time the kernel spent on its behalf (system calls,
 * waking and putting threads to sleep), and how often its threads gave up the CPU (voluntary: blocked on a socket,
 * a lock or a queue) or had it taken (involuntary). Read from /proc/self/task; empty off Linux. Threads that end
 * between two readings take their counts with them.
 */
record TaskStats(Map<Role, Long> kernelNanos, Map<Role, Long> voluntary, Map<Role, Long> involuntary) {
    static TaskStats now() {
        Map<Role, Long> kernel = new EnumMap<>(Role.class);
        Map<Role, Long> voluntary = new EnumMap<>(Role.class);
        Map<Role, Long> involuntary = new EnumMap<>(Role.class);
        for (CpuSampler.Task t : CpuSampler.tasks()) {
            Role role = Role.of(t.name());
            kernel.merge(role, t.systemNanos(), Long::sum);
            try {
                for (String line : Files.readAllLines(t.dir().resolve("status"))) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        voluntary.merge(role, Long.parseLong(line.substring(24).trim()), Long::sum);
                    } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                        involuntary.merge(role, Long.parseLong(line.substring(27).trim()), Long::sum);
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // the thread ended while we looked
            }
        }
        return new TaskStats(kernel, voluntary, involuntary);
    }

    /** What happened between {@code earlier} and this reading. */
    TaskStats since(TaskStats earlier) {
        return new TaskStats(minus(kernelNanos, earlier.kernelNanos), minus(voluntary, earlier.voluntary),
                minus(involuntary, earlier.involuntary));
    }

    private static Map<Role, Long> minus(Map<Role, Long> later, Map<Role, Long> earlier) {
        Map<Role, Long> d = new EnumMap<>(Role.class);
        later.forEach((role, v) -> d.put(role, Math.max(0, v - earlier.getOrDefault(role, 0L))));
        return d;
    }

    long kernel(Role role) {
        return kernelNanos.getOrDefault(role, 0L);
    }

    long switches(Role role) {
        return voluntary.getOrDefault(role, 0L) + involuntary.getOrDefault(role, 0L);
    }
}
