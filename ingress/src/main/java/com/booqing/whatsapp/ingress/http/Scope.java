package com.booqing.whatsapp.ingress.http;

import com.booqing.whatsapp.common.tenant.Ids;
import io.javalin.http.Context;

/** Tenant checks for routes whose path names a tenant in a parameter other than {@code {tenantId}}. */
public final class Scope {
    private Scope() {
    }

    /**
     * The tenant id, when the caller may act on it: a tenant key asking for another tenant (or for anything
     * that is not a valid tenant id) gets the 404 of a tenant that does not exist; the admin gets 400 for an
     * invalid id.
     */
    public static String tenant(Context ctx, String tenantId) {
        if (!Caller.of(ctx).owns(tenantId)) {
            throw NotFound.tenant();
        }
        if (!Ids.isValidTenantId(tenantId)) {
            throw ApiException.invalidTenantId();
        }
        return tenantId;
    }
}
