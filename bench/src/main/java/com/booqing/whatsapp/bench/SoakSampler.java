package com.booqing.whatsapp.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * What a soak watches for leaks in this JVM (which holds every service): heap used right after a full GC
 * ({@code System.gc()}, a stop-the-world collection with G1, so each sample also costs the services a pause),
 * live threads, and open file descriptors ({@code /proc/self/fd}: sockets, files, epoll). The slope compares the
 * median of the first third of the samples with the median of the last third, so one noisy sample does not
 * decide it.
 */
final class SoakSampler {
    /** One sample. {@code atSeconds} counts from the start of the load. */
    record Sample(double atSeconds, long heapAfterGcBytes, int threads, int fds, long ok, long failed,
                  String lag) {
    }

    private final List<Sample> samples = new ArrayList<>();

    Sample take(double atSeconds, long ok, long failed, String lag) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        Sample s = new Sample(atSeconds, heap, ManagementFactory.getThreadMXBean().getThreadCount(), openFds(), ok,
                failed, lag);
        samples.add(s);
        return s;
    }

    List<Sample> samples() {
        return samples;
    }

    static int openFds() {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path ignored : fds) {
                n++;
            }
            return n - 1; // the directory stream's own descriptor
        } catch (IOException | RuntimeException notLinux) {
            return -1;
        }
    }

    /** "first third median -> last third median (change, per hour)". */
    String slope(String what, ToDoubleFunction<Sample> value, double unit, String unitName) {
        if (samples.size() < 3) {
            return what + ": too few samples for a slope (" + samples.size() + ")";
        }
        int third = samples.size() / 3;
        List<Sample> first = samples.subList(0, third);
        List<Sample> last = samples.subList(samples.size() - third, samples.size());
        double a = median(first, value) / unit;
        double b = median(last, value) / unit;
        double ta = median(first, Sample::atSeconds);
        double tb = median(last, Sample::atSeconds);
        double perHour = tb > ta ? (b - a) / (tb - ta) * 3600 : Double.NaN;
        String u = unitName.isEmpty() ? "" : " " + unitName;
        return String.format("%-8s first third %,.1f%s -> last third %,.1f%s: %+,.1f%s (%+.1f%%), %+,.1f%s per hour",
                what, a, u, b, u, b - a, u, a == 0 ? 0 : (b - a) / a * 100, perHour, u);
    }

    private static double median(List<Sample> s, ToDoubleFunction<Sample> value) {
        double[] v = s.stream().mapToDouble(value).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
