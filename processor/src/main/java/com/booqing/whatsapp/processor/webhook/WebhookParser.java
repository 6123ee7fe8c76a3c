package com.booqing.whatsapp.processor.webhook;

import com.booqing.whatsapp.common.endpoint.ProviderType;
import com.booqing.whatsapp.common.webhook.RawWebhook;

/**
 * Turns one provider's raw webhook into canonical events. One implementation per provider; it must not throw
 * for bad input (a bad payload is a {@link ParseResult} with problems) and must be deterministic: the same
 * webhook always yields the same events with the same ids, which is what makes replays and dedup work.
 */
public interface WebhookParser {

    ProviderType provider();

    ParseResult parse(RawWebhook webhook);
}
