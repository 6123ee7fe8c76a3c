package com.booqing.whatsapp.ingress.http;

import org.slf4j.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Logs at most one line per interval, saying how many it left out since. Refusals come in floods (that is
 * what the limits are for); the metrics count every one, the log shows that it is happening.
 */
public final class ThrottledLog {
    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong nextDue;
    private final LongAdder skipped = new LongAdder();

    public ThrottledLog(Logger log, Duration interval, LongSupplier nanoTime) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.nextDue = new AtomicLong(nanoTime.getAsLong());
    }

    public ThrottledLog(Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    /** The message must never carry secrets or request bodies. */
    public void warn(String format, Object... args) {
        long now = nanoTime.getAsLong();
        long due = nextDue.get();
        if (now - due >= 0 && nextDue.compareAndSet(due, now + intervalNanos)) {
            long left = skipped.sumThenReset();
            if (left == 0) {
                log.warn(format, args);
            } else {
                log.warn(format + " ({} similar not logged since the last one)", append(args, left));
            }
        } else {
            skipped.increment();
        }
    }

    private static Object[] append(Object[] args, Object last) {
        Object[] all = new Object[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = last;
        return all;
    }
}
