package com.booqing.whatsapp.simulator.evolution;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An instance's webhook settings (Evolution src/api/integrations/event/webhook/webhook.controller.ts): enabled,
 * subscribed events, byEvents, static headers, and jwt_key — which Evolution turns into an Authorization header
 * instead of sending it. The URL lives in the endpoint server.
 */
record EvolutionWebhookConfig(boolean enabled, Set<String> events, boolean byEvents, Map<String, String> headers,
                              String jwtKey) {

    /** EventController.events: what webhook.events may name, and what an empty list means. */
    static final List<String> ALL_EVENTS = List.of("APPLICATION_STARTUP", "QRCODE_UPDATED", "MESSAGES_SET",
            "MESSAGES_UPSERT", "MESSAGES_EDITED", "MESSAGES_UPDATE", "MESSAGES_DELETE", "SEND_MESSAGE",
            "SEND_MESSAGE_UPDATE", "CONTACTS_SET", "CONTACTS_UPSERT", "CONTACTS_UPDATE", "PRESENCE_UPDATE",
            "CHATS_SET", "CHATS_UPSERT", "CHATS_UPDATE", "CHATS_DELETE", "GROUPS_UPSERT", "GROUP_UPDATE",
            "GROUP_PARTICIPANTS_UPDATE", "CONNECTION_UPDATE", "LABELS_EDIT", "LABELS_ASSOCIATION", "CALL",
            "TYPEBOT_START", "TYPEBOT_CHANGE_STATUS", "REMOVE_INSTANCE", "LOGOUT_INSTANCE", "INSTANCE_CREATE",
            "INSTANCE_DELETE", "STATUS_INSTANCE");

    EvolutionWebhookConfig {
        events = Set.copyOf(events);
        headers = Map.copyOf(headers);
    }

    /** "messages.upsert" → "MESSAGES_UPSERT", as webhook.controller.ts computes {@code we}. */
    static String subscriptionName(String event) {
        return event.replaceAll("[.-]", "_").toUpperCase(Locale.ROOT);
    }

    /** "messages.upsert" → "messages-upsert", the byEvents path segment. */
    static String pathSegment(String event) {
        return subscriptionName(event).replace('_', '-').toLowerCase(Locale.ROOT);
    }

    boolean accepts(String event) {
        return enabled && events.contains(subscriptionName(event));
    }
}
