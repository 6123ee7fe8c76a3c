package com.booqing.whatsapp.processor.webhook;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.processor.webhook.cloudapi.CloudApiParser;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The parser of each provider. A provider without one is dead-lettered, never dropped. */
public final class WebhookParsers {
    private final Map<ProviderType, WebhookParser> byProvider = new EnumMap<>(ProviderType.class);

    public WebhookParsers(List<WebhookParser> parsers) {
        for (WebhookParser p : parsers) {
            if (byProvider.put(p.provider(), p) != null) {
                throw new IllegalArgumentException("two parsers for " + p.provider().wireName());
            }
        }
    }

    /** Every provider the processor understands today. */
    public static WebhookParsers standard() {
        return new WebhookParsers(List.of(new CloudApiParser()));
    }

    public Optional<WebhookParser> forProvider(ProviderType provider) {
        return Optional.ofNullable(byProvider.get(provider));
    }
}
