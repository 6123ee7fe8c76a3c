package com.booqing.whatsapp.ingress.webhook;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code whatsapp_ingress_webhooks_accepted_total{provider}} and {@code whatsapp_ingress_webhooks_refused_total{reason}}.
 * Tags never carry tenant or endpoint ids: cardinality stays fixed.
 */
public final class WebhookMetrics {

    public enum Refusal {
        RATE_LIMITED, TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, UNKNOWN_ENDPOINT, INVALID_SIGNATURE,
        NOT_READY, KAFKA_UNAVAILABLE, SECRET_UNREADABLE, VERIFICATION_FAILED;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<ProviderType, Counter> accepted = new EnumMap<>(ProviderType.class);
    private final Map<Refusal, Counter> refused = new EnumMap<>(Refusal.class);

    public WebhookMetrics(MeterRegistry registry) {
        for (ProviderType p : ProviderType.values()) {
            accepted.put(p, Counter.builder("whatsapp.ingress.webhooks.accepted")
                    .description("webhooks verified and acknowledged by Kafka")
                    .tag("provider", p.wireName()).register(registry));
        }
        for (Refusal r : Refusal.values()) {
            refused.put(r, Counter.builder("whatsapp.ingress.webhooks.refused")
                    .description("webhook requests not accepted, by reason")
                    .tag("reason", r.tag()).register(registry));
        }
    }

    public void accepted(ProviderType provider) {
        accepted.get(provider).increment();
    }

    public void refused(Refusal reason) {
        refused.get(reason).increment();
    }
}
