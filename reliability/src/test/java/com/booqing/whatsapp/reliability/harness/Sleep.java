package com.booqing.whatsapp.reliability.harness;

/** Thread.sleep that turns an interrupt into an unchecked failure (tests are not interruptible workers). */
public final class Sleep {
    private Sleep() {
    }

    public static void millis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
