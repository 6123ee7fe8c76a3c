package com.booqing.whatsapp.sender.testing;

import com.booqing.whatsapp.sender.delivery.Sleeper;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Sleeps by moving a {@link MutableClock}: no test waits for real. Records every sleep. */
public final class SteppingSleeper implements Sleeper {
    private final MutableClock clock;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private volatile Runnable onSleep = () -> {
    };

    public SteppingSleeper(MutableClock clock) {
        this.clock = clock;
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        clock.advance(duration);
        onSleep.run();
    }

    /** Runs after every sleep, as if something happened meanwhile. */
    public void onSleep(Runnable action) {
        this.onSleep = action;
    }

    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }
}
