package com.booqing.whatsapp.sender.delivery;

import java.time.Duration;

/**
 * Lets the consumer stop one command's work when its partition is revoked or the sender shuts down. Work checks
 * it between steps; a wait (backoff, rate limit, another instance's lease) is cut short. A provider call in
 * progress is never interrupted: its outcome must be known, or it would turn into an ambiguous send.
 */
public final class Cancellation {
    private boolean cancelled;
    private Thread sleeping;
    private Runnable onCancel;

    public void cancel() {
        Runnable hook;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            if (sleeping != null) {
                sleeping.interrupt();
            }
            hook = onCancel;
            onCancel = null;
        }
        if (hook != null) {
            hook.run();
        }
    }

    /**
     * Runs {@code hook} when this is cancelled (at once if it already is): for work that waits without a thread,
     * such as a result waiting to be published again. Replaces an earlier hook; {@code null} clears it.
     */
    public void whenCancelled(Runnable hook) {
        synchronized (this) {
            if (!cancelled) {
                onCancel = hook;
                return;
            }
        }
        if (hook != null) {
            hook.run();
        }
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Sleeps unless cancelled; @return false when cancelled before or during the wait */
    public boolean sleep(Sleeper sleeper, Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return !isCancelled();
        }
        synchronized (this) {
            if (cancelled) {
                return false;
            }
            sleeping = Thread.currentThread();
        }
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            // Only cancel() interrupts a sleeping worker; an interrupt from elsewhere means shutdown: stop as well.
            synchronized (this) {
                cancelled = true;
            }
        } finally {
            synchronized (this) {
                sleeping = null;
                Thread.interrupted();
            }
        }
        return !isCancelled();
    }
}
