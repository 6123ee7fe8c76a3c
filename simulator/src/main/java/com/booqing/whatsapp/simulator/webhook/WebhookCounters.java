package com.booqing.whatsapp.simulator.webhook;

import com.booqing.whatsapp.simulator.WebhookStats;

import java.util.concurrent.atomic.AtomicLong;

/** Live counters behind {@link WebhookStats}, one set per endpoint. */
public final class WebhookCounters {

    final AtomicLong posted = new AtomicLong();
    final AtomicLong attempts = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    public void skipped() {
        skipped.incrementAndGet();
    }

    public WebhookStats snapshot() {
        return new WebhookStats(posted.get(), attempts.get(), retries.get(), delivered.get(), abandoned.get(),
                skipped.get());
    }
}
