package com.booqing.whatsapp.simulator.waha;

import java.util.Map;
import java.util.Set;

/**
 * What a WAHA webhook configuration decides about each post (config.webhooks[] in WAHA's session config):
 * which events go out, the HMAC key and custom headers. The URL itself lives in the endpoint server.
 *
 * @param events  subscribed event names; "*" means all (except state.change and engine.event)
 * @param hmacKey signs the body when set
 */
record WahaWebhookTarget(Set<String> events, String hmacKey, Map<String, String> customHeaders) {

    WahaWebhookTarget {
        events = Set.copyOf(events);
        customHeaders = Map.copyOf(customHeaders);
    }

    static WahaWebhookTarget all(String hmacKey) {
        return new WahaWebhookTarget(Set.of("*"), hmacKey, Map.of());
    }

    boolean accepts(String event) {
        return events.contains(event)
                || events.contains("*") && !event.equals("state.change") && !event.equals("engine.event");
    }
}
