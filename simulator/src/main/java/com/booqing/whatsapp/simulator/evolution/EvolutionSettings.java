package com.booqing.whatsapp.simulator.evolution;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * One simulated Evolution API v2 server with one Baileys instance.
 *
 * @param instanceName  the instance's name (path segment of every route)
 * @param apiKey        the global API key (AUTHENTICATION_API_KEY) accepted in the {@code apikey} header
 * @param jwtKey        the webhook's {@code headers.jwt_key}: when set, webhooks carry
 *                      {@code Authorization: Bearer <HS256 JWT>}; null for unauthenticated webhooks
 * @param instanceToken the instance's own token ("hash"), also accepted as apikey; null = a random UUID
 * @param ownerNumber   digits of the WhatsApp account linked to the instance
 * @param profileName   the account's profile name
 * @param paired        whether the instance starts "open" (true) or "close" and unpaired
 * @param byEvents      webhook.byEvents: post to {@code <url>/<event-kebab>} instead of {@code <url>}
 * @param events        subscribed events in Evolution's UPPER_SNAKE names; empty = QRCODE_UPDATED, CONNECTION_UPDATE,
 *                      MESSAGES_UPSERT, MESSAGES_UPDATE
 */
public record EvolutionSettings(String instanceName, String apiKey, String jwtKey, String instanceToken,
                                String ownerNumber, String profileName, boolean paired, boolean byEvents,
                                Set<String> events) {

    public static final Set<String> DEFAULT_EVENTS =
            Set.of("QRCODE_UPDATED", "CONNECTION_UPDATE", "MESSAGES_UPSERT", "MESSAGES_UPDATE");

    public EvolutionSettings {
        if (instanceName == null || !instanceName.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("instanceName must match [A-Za-z0-9._-]{1,100}, got '" + instanceName
                    + "'");
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey is required");
        }
        jwtKey = jwtKey == null || jwtKey.isBlank() ? null : jwtKey;
        instanceToken = instanceToken == null || instanceToken.isBlank()
                ? UUID.randomUUID().toString().toUpperCase(Locale.ROOT) : instanceToken;
        ownerNumber = ownerNumber == null || ownerNumber.isBlank() ? defaultNumber(instanceName) : ownerNumber.trim();
        if (!ownerNumber.matches("\\d{5,20}")) {
            throw new IllegalArgumentException("ownerNumber must be digits, got '" + ownerNumber + "'");
        }
        profileName = profileName == null || profileName.isBlank() ? "Booqing Simulator" : profileName;
        events = events == null || events.isEmpty() ? DEFAULT_EVENTS : Set.copyOf(events);
        for (String event : events) {
            if (!EvolutionWebhookConfig.ALL_EVENTS.contains(event)) {
                throw new IllegalArgumentException("unknown Evolution event '" + event + "'");
            }
        }
    }

    public static EvolutionSettings of(String instanceName, String apiKey, String jwtKey) {
        return new EvolutionSettings(instanceName, apiKey, jwtKey, null, null, null, true, false, null);
    }

    /** Never shows the keys or the token. */
    @Override
    public String toString() {
        return "EvolutionSettings[instanceName=" + instanceName + ", ownerNumber=" + ownerNumber + ", paired="
                + paired + ", byEvents=" + byEvents + ", events=" + events + ", apiKey=***, instanceToken=***, jwtKey="
                + (jwtKey == null ? "none" : "***") + "]";
    }

    private static String defaultNumber(String instanceName) {
        long n = Math.abs((long) Objects.hash("evolution", instanceName)) % 100_000_000L;
        return String.format("5511%08d", n);
    }
}
