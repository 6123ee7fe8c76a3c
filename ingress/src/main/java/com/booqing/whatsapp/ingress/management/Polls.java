package com.booqing.whatsapp.ingress.management;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a condition without holding the waiter's thread: the condition is checked on a small timer pool
 * every {@link #POLL_MILLIS} ms until it holds or the time is up. A request that waits this way (a device action
 * waiting for the provider's QR code) leaves its HTTP thread free for others meanwhile.
 */
public final class Polls implements AutoCloseable {
    static final long POLL_MILLIS = 20;
    private static final int THREADS = 2;

    private final ScheduledExecutorService timer;

    public Polls() {
        AtomicInteger n = new AtomicInteger();
        this.timer = Executors.newScheduledThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "answer-wait-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Completes with true as soon as {@code condition} holds, with false when {@code timeout} passed first (or the
     * pool is closing), exceptionally when the condition throws.
     */
    public CompletableFuture<Boolean> until(BooleanSupplier condition, Duration timeout) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        Runnable check = new Runnable() {
            @Override
            public void run() {
                try {
                    if (condition.getAsBoolean()) {
                        result.complete(true);
                        return;
                    }
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    result.complete(false);
                    return;
                }
                schedule(this, Math.min(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS), left), result);
            }
        };
        schedule(check, 0, result);
        return result;
    }

    private void schedule(Runnable check, long delayNanos, CompletableFuture<Boolean> result) {
        try {
            timer.schedule(check, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            result.complete(false);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
