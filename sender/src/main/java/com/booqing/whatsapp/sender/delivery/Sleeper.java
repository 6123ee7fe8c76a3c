package com.booqing.whatsapp.sender.delivery;

import java.time.Duration;

/** How the sender waits (backoff, rate limits); injected so that tests step a clock instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);

    void sleep(Duration duration) throws InterruptedException;
}
