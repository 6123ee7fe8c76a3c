package com.booqing.whatsapp.ingress.http;

import io.javalin.http.Context;

/** Helpers about the matched route. */
public final class Routes {
    private Routes() {
    }

    /**
     * The route template ({@code /api/whatsapp/conversations/{tenantId}/{phone}/messages}) rather than the
     * path, so that logs and metric tags never carry phone numbers and stay low in cardinality.
     */
    public static String template(Context ctx) {
        try {
            return ctx.endpoints().matchedHttpEndpoint().path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }
}
