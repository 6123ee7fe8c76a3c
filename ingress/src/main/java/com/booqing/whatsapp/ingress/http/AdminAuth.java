package com.booqing.whatsapp.ingress.http;

import io.javalin.http.Context;

/**
 * Checks the admin bearer token before every matched route that is not {@link Access#PUBLIC}. Running as a
 * before-matched filter keyed on route roles means a new route is protected unless it says otherwise.
 */
public final class AdminAuth {
    private static final String BEARER = "Bearer ";
    private final String adminApiKey;

    public AdminAuth(String adminApiKey) {
        this.adminApiKey = adminApiKey;
    }

    public void check(Context ctx) {
        if (ctx.routeRoles().contains(Access.PUBLIC)) {
            return;
        }
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()).trim() : null;
        if (!ConstantTime.equals(token, adminApiKey)) {
            throw ApiException.unauthorized();
        }
    }
}
