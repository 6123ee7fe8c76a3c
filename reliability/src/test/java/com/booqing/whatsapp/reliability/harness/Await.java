package com.booqing.whatsapp.reliability.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling: every wait in these tests has a deadline and says what it waited for when it runs out. */
public final class Await {
    private Await() {
    }

    /** Polls {@code condition} every {@code every} until true; fails after {@code timeout} with {@code why.get()}. */
    public static void until(Duration timeout, Duration every, BooleanSupplier condition, Supplier<String> why) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout.toSeconds() + " s: " + why.get());
            }
            Sleep.millis(every.toMillis());
        }
    }

    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> why) {
        until(timeout, Duration.ofMillis(200), condition, why);
    }
}
