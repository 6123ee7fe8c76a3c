package com.booqing.whatsapp.common.event;

import com.booqing.whatsapp.common.endpoint.ProviderType;

/**
 * A provider event the gateway has no model for yet. Kept, not dropped, so it can be replayed once parsed.
 *
 * @param providerEvent the provider's own event name (e.g. "group.v2.join", "contacts.update")
 * @param rawJson       the provider's JSON of that one event
 */
public record UnknownEvent(String endpointId, ProviderType provider, String providerEvent, String rawJson)
        implements EventPayload {

    @Override
    public String type() {
        return "unknown";
    }
}
