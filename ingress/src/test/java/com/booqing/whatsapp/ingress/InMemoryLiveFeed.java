package com.booqing.whatsapp.ingress;

import com.booqing.whatsapp.ingress.live.LiveFeed;
import com.booqing.whatsapp.ingress.live.LiveSink;

/** A live feed a test drives by hand: ready at once, it hands the sink whatever the test gives it. */
final class InMemoryLiveFeed implements LiveFeed {
    private volatile LiveSink sink;

    @Override
    public void start(LiveSink sink) {
        this.sink = sink;
    }

    @Override
    public boolean isReady() {
        return sink != null;
    }

    /** The ingress's sink, once it started. */
    LiveSink sink() {
        if (sink == null) {
            throw new IllegalStateException("the ingress has not started");
        }
        return sink;
    }

    @Override
    public void close() {
    }
}
