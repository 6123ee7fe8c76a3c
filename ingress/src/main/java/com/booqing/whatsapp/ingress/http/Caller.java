package com.booqing.whatsapp.ingress.http;

import io.javalin.http.Context;

import java.util.Objects;

/**
 * Who is calling, as {@link Authenticator} established it: the admin (every tenant) or one tenant's key.
 *
 * @param tenantId null for the admin
 * @param keyId    the tenant key's id; null for the admin, and for a stream token the admin asked for (which
 *                 acts for its one tenant)
 */
public record Caller(String tenantId, String keyId) {
    static final String ATTRIBUTE = "whatsapp.caller";
    public static final Caller ADMIN = new Caller(null, null);

    public static Caller tenant(String tenantId, String keyId) {
        return new Caller(Objects.requireNonNull(tenantId, "tenantId"), keyId);
    }

    public boolean isAdmin() {
        return tenantId == null;
    }

    /** True when this caller may see the tenant's data. */
    public boolean owns(String tenantId) {
        return isAdmin() || this.tenantId.equals(tenantId);
    }

    /** The caller of an authenticated route (set before the handler runs). */
    public static Caller of(Context ctx) {
        Caller caller = ctx.attribute(ATTRIBUTE);
        if (caller == null) {
            throw new IllegalStateException("route without authentication asked for its caller");
        }
        return caller;
    }
}
