package com.booqing.whatsapp.processor.inbound;

import com.booqing.whatsapp.processor.dedup.EventDeduplicator;
import com.booqing.whatsapp.processor.webhook.WebhookParsers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.Objects;

/**
 * What the inbound topology is built from besides the topic catalogue.
 *
 * @param dedupWindow   how long an event id is remembered
 * @param purgeInterval how often (wall clock) expired ids are purged
 */
public record InboundSettings(WebhookParsers parsers, Duration dedupWindow, Duration purgeInterval,
                              MeterRegistry meters) {

    public InboundSettings {
        Objects.requireNonNull(parsers, "parsers");
        Objects.requireNonNull(meters, "meters");
        if (dedupWindow.isNegative() || dedupWindow.isZero() || purgeInterval.isNegative() || purgeInterval.isZero()) {
            throw new IllegalArgumentException("dedup window and purge interval must be positive");
        }
    }

    public static InboundSettings defaults(MeterRegistry meters) {
        return new InboundSettings(WebhookParsers.standard(), EventDeduplicator.DEFAULT_WINDOW,
                EventDeduplicator.DEFAULT_PURGE_INTERVAL, meters);
    }

    public static InboundSettings defaults() {
        return defaults(new SimpleMeterRegistry());
    }
}
