package com.booqing.whatsapp.ops.copy;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final StringWriter printed = new StringWriter();

    @Test
    void printsRecordsRateAndTimeLeftAtMostOncePerInterval() {
        Progress p = new Progress("replay", 10_000, new PrintWriter(printed), nanos::get, Duration.ofSeconds(2));

        nanos.addAndGet(1_000_000_000L);
        p.update(1_000, "replayed 10");
        assertThat(printed.toString()).isEmpty();

        nanos.addAndGet(1_000_000_000L);
        p.update(2_500, "replayed 20");

        assertThat(printed.toString().strip())
                .isEqualTo("replay: 2,500/10,000 records (25%), 1,250/s, ~6.0 s left; replayed 20");
    }

    @Test
    void withoutATotalPrintsRecordsAndRateOnly() {
        Progress p = new Progress("redrive", 0, new PrintWriter(printed), nanos::get, Duration.ofMillis(10));

        nanos.addAndGet(2_000_000_000L);
        p.update(300, "");

        assertThat(printed.toString().strip()).isEqualTo("redrive: 300 records, 150/s");
    }
}
