package com.booqing.whatsapp.processor.webhook;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.processor.webhook.cloudapi.CloudApiParser;
import com.booqing.whatsapp.processor.webhook.evolution.EvolutionParser;
import com.booqing.whatsapp.processor.webhook.waha.WahaParser;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The parser of each provider; every provider has exactly one. */
public final class WebhookParsers {
    private final Map<ProviderType, WebhookParser> byProvider = new EnumMap<>(ProviderType.class);

    public WebhookParsers(List<WebhookParser> parsers) {
        for (WebhookParser p : parsers) {
            if (byProvider.put(p.provider(), p) != null) {
                throw new IllegalArgumentException("two parsers for " + p.provider().wireName());
            }
        }
        for (ProviderType provider : ProviderType.values()) {
            if (!byProvider.containsKey(provider)) {
                throw new IllegalArgumentException("no parser for " + provider.wireName());
            }
        }
    }

    /** The parsers of every provider the gateway supports. */
    public static WebhookParsers standard() {
        return new WebhookParsers(List.of(new CloudApiParser(), new WahaParser(), new EvolutionParser()));
    }

    public WebhookParser forProvider(ProviderType provider) {
        return byProvider.get(provider);
    }
}
