package com.booqing.whatsapp.bench;

/**
 * What one phase measured.
 *
 * @param ok           2xx answers completed inside the window
 * @param non2xx       other answers inside the window
 * @param ioErrors     connections refused, reset or timed out
 * @param unsent       open loop only: scheduled sends dropped because the generator fell too far behind
 * @param latencies    closed loop: request start to response end; open loop: scheduled time to response end
 * @param cpu          CPU used during the phase, split by process
 */
record PhaseResult(String label, long windowNanos, long ok, long non2xx, long ioErrors, long unsent,
                   Latencies latencies, CpuSplit cpu) {

    double okPerSecond() {
        return ok * 1e9 / windowNanos;
    }

    /**
     * CPU per answered request on the server side: this JVM without the load generator and the JIT compilers
     * (a warm-up cost), plus the broker, in microseconds. On a shared machine this is steadier than the rate,
     * which depends on what the others leave.
     */
    double serverMicrosPerRequest() {
        double cores = cpu.jvm() - cpu.role(CpuSampler.Role.GENERATOR) - cpu.role(CpuSampler.Role.JIT) + cpu.broker();
        double answered = (ok + non2xx) * 1e9 / windowNanos;
        return answered <= 0 ? Double.NaN : cores / answered * 1e6;
    }
}
