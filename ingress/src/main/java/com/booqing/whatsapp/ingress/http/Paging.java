package com.booqing.whatsapp.ingress.http;

import io.javalin.http.Context;

/** {@code ?limit=&offset=} of the list routes, checked. */
public record Paging(int limit, int offset) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
    public static final int MAX_OFFSET = 100_000;

    public static Paging from(Context ctx) {
        return new Paging(
                number(ctx.queryParam("limit"), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
                number(ctx.queryParam("offset"), "offset", 0, 0, MAX_OFFSET));
    }

    /** Last index for ZREVRANGE, inclusive. */
    public long last() {
        return (long) offset + limit - 1;
    }

    private static int number(String raw, String name, int defaultValue, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw ApiException.badRequest(name + " must be a whole number between " + min + " and " + max);
    }
}
