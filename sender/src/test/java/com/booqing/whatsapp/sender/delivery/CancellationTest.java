package com.booqing.whatsapp.sender.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CancellationTest {

    @Test
    void cancellingCutsAWaitShort() throws Exception {
        Cancellation cancellation = new Cancellation();
        long start = System.nanoTime();
        CompletableFuture<Boolean> slept = CompletableFuture.supplyAsync(
                () -> cancellation.sleep(Sleeper.SYSTEM, Duration.ofSeconds(30)));
        Thread.sleep(100);

        cancellation.cancel();

        assertThat(slept.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aCancelledWorkerDoesNotSleepAtAll() {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel();

        assertThat(cancellation.sleep(d -> {
            throw new AssertionError("slept");
        }, Duration.ofSeconds(1))).isFalse();
    }

    @Test
    void anUncancelledWaitRunsToItsEnd() {
        assertThat(new Cancellation().sleep(Sleeper.SYSTEM, Duration.ofMillis(20))).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aHookRunsOnceOnCancellingAndAtOnceWhenAlreadyCancelled() {
        Cancellation cancellation = new Cancellation();
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        cancellation.whenCancelled(runs::incrementAndGet);
        assertThat(runs).hasValue(0);

        cancellation.cancel();
        cancellation.cancel();
        assertThat(runs).hasValue(1);

        cancellation.whenCancelled(runs::incrementAndGet);
        assertThat(runs).hasValue(2);
    }

    @Test
    void aClearedHookDoesNotRun() {
        Cancellation cancellation = new Cancellation();
        cancellation.whenCancelled(() -> {
            throw new AssertionError("ran");
        });
        cancellation.whenCancelled(null);

        cancellation.cancel();
        assertThat(cancellation.isCancelled()).isTrue();
    }
}
