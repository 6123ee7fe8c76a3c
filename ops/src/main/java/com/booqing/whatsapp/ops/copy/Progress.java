package com.booqing.whatsapp.ops.copy;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of long work on stderr, at most once per interval: records done of the total, the rate since the start,
 * and the time left at that rate. stdout stays for the summary, so a script can keep one and drop the other.
 */
public final class Progress {
    private final String label;
    private final PrintWriter err;
    private final LongSupplier nanoTime;
    private final long intervalNanos;
    private final long startNanos;
    private long lastPrintNanos;
    private long total;

    public Progress(String label, long total, PrintWriter err, LongSupplier nanoTime, Duration interval) {
        this.label = label;
        this.total = total;
        this.err = err;
        this.nanoTime = nanoTime;
        this.intervalNanos = interval.toNanos();
        this.startNanos = nanoTime.getAsLong();
        this.lastPrintNanos = startNanos;
    }

    /** Prints a line if the interval has passed since the last one. {@code detail} may be empty. */
    public void update(long done, String detail) {
        long now = nanoTime.getAsLong();
        if (now - lastPrintNanos < intervalNanos) {
            return;
        }
        lastPrintNanos = now;
        err.println(line(done, detail, now));
        err.flush();
    }

    /** Prints "label: text (12 s so far)" if the interval has passed: for waits, where there is no rate. */
    public void note(String text) {
        long now = nanoTime.getAsLong();
        if (now - lastPrintNanos < intervalNanos) {
            return;
        }
        lastPrintNanos = now;
        err.println(label + ": " + text + " (" + Times.human(Duration.ofNanos(now - startNanos)) + " so far)");
        err.flush();
    }

    public Duration elapsed() {
        return Duration.ofNanos(nanoTime.getAsLong() - startNanos);
    }

    String line(long done, String detail, long nowNanos) {
        double seconds = Math.max(1e-9, (nowNanos - startNanos) / 1e9);
        double rate = done / seconds;
        StringBuilder b = new StringBuilder(label).append(": ");
        b.append(String.format(Locale.ROOT, "%,d", done));
        if (total > 0) {
            b.append(String.format(Locale.ROOT, "/%,d records (%d%%)", total, Math.min(100, done * 100 / total)));
        } else {
            b.append(" records");
        }
        b.append(String.format(Locale.ROOT, ", %,.0f/s", rate));
        if (total > 0 && done < total) {
            b.append(", ");
            b.append(rate > 0 ? "~" + Times.human(Duration.ofMillis((long) ((total - done) / rate * 1000))) + " left"
                    : "time left unknown");
        }
        if (detail != null && !detail.isEmpty()) {
            b.append("; ").append(detail);
        }
        return b.toString();
    }
}
