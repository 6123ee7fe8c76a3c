package com.booqing.whatsapp.ingress.http;

import io.javalin.security.RouteRole;

/** Who may call a route. Every route names one; a route without one is treated as ADMIN (deny by default). */
public enum Access implements RouteRole {
    /** Anyone: health, metrics, provider webhooks (which authenticate by signature instead). */
    PUBLIC,
    /** Booqing's systems, with {@code Authorization: Bearer <WHATSAPP_ADMIN_API_KEY>}. */
    ADMIN
}
