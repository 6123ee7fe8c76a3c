package com.booqing.whatsapp.ingress.http;

import com.booqing.whatsapp.common.tenant.Ids;
import io.javalin.http.Context;

/** Path parameters that become parts of Redis keys and topic keys, checked before use. */
public final class PathParams {
    private PathParams() {
    }

    public static String tenantId(Context ctx) {
        String tenantId = ctx.pathParam("tenantId");
        if (!Ids.isValidTenantId(tenantId)) {
            throw ApiException.invalidTenantId();
        }
        return tenantId;
    }
}
