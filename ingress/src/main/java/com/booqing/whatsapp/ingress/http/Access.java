package com.booqing.whatsapp.ingress.http;

import io.javalin.security.RouteRole;

/** Who may call a route. Every route names one; a route without one is treated as ADMIN (deny by default). */
public enum Access implements RouteRole {
    /** Anyone: health, metrics, API docs, provider webhooks (which authenticate by signature instead). */
    PUBLIC,
    /**
     * The admin key, or a tenant's own key for routes of that tenant ({@code {tenantId}} in the path, or a
     * resource of the tenant that the handler looks up). Another tenant's routes answer 404 to a tenant key.
     */
    TENANT,
    /** Only {@code Authorization: Bearer <WHATSAPP_ADMIN_API_KEY>}: issuing and revoking tenant keys. */
    ADMIN,
    /**
     * Given with TENANT on the live stream only: a short-lived stream token in {@code ?access_token=} is accepted
     * instead of the header, because a browser's EventSource cannot send one. The token is scoped to one tenant.
     */
    STREAM
}
