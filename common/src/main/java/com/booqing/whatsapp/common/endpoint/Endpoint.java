package com.booqing.whatsapp.common.endpoint;

import com.booqing.whatsapp.common.crypto.Sealed;

import java.time.Instant;
import java.util.Objects;

/**
 * One WhatsApp API server of a tenant, as kept on the compacted endpoints topic (key: endpoint id).
 * Secrets are {@link Sealed}: encrypted with the tenant and endpoint as associated data, so the topic, Redis
 * and logs never hold them in clear.
 *
 * @param apiUrl        base URL of the provider (Cloud API: the Graph host, e.g. https://graph.facebook.com)
 * @param apiVersion    Cloud API Graph version such as v23.0; null for the other providers
 * @param phoneNumberId Cloud API phone number id; null otherwise
 * @param sessionName   WAHA session name; null otherwise
 * @param instanceName  Evolution API instance name; null otherwise
 * @param apiKey        Cloud API access token, WAHA X-Api-Key or Evolution apikey
 * @param webhookSecret Cloud API app secret, WAHA HMAC key or the Evolution webhook secret
 * @param verifyToken   Cloud API hub.verify_token for the GET handshake
 * @param weight        share of load among healthy endpoints of equal rank
 */
public record Endpoint(
        String id,
        String tenantId,
        String name,
        ProviderType provider,
        String apiUrl,
        String apiVersion,
        String phoneNumberId,
        String sessionName,
        String instanceName,
        Sealed apiKey,
        Sealed webhookSecret,
        Sealed verifyToken,
        boolean isActive,
        boolean isPrimary,
        int weight,
        Instant createdAt,
        Instant updatedAt) {

    public Endpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(apiUrl, "apiUrl");
        if (weight <= 0) {
            weight = 1;
        }
    }

    /** Associated data binding a sealed secret of this endpoint to it: a ciphertext copied elsewhere won't open. */
    public static String secretContext(String tenantId, String endpointId, String field) {
        return "endpoint/" + tenantId + "/" + endpointId + "/" + field;
    }
}
