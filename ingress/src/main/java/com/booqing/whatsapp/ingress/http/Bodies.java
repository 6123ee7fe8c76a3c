package com.booqing.whatsapp.ingress.http;

import io.javalin.http.Context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/** Reading request bodies: JSON only, and never more than the configured bound into memory. */
public final class Bodies {
    private Bodies() {
    }

    /** Refuses early, before anything is read, when the declared length is over the bound. */
    public static void checkDeclaredLength(Context ctx, int maxBytes) {
        if (ctx.contentLength() > maxBytes) {
            throw ApiException.payloadTooLarge(maxBytes);
        }
    }

    /** application/json or any {@code +json} type, with or without parameters such as charset. */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType)
                .trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json")
                || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }

    public static void requireJson(Context ctx) {
        if (!isJson(ctx.contentType())) {
            throw ApiException.unsupportedMediaType();
        }
    }

    /**
     * The raw body bytes, at most {@code maxBytes}; a chunked body without a declared length is cut off there
     * too. The bytes are returned exactly as received, because webhook signatures cover them.
     */
    public static byte[] read(Context ctx, int maxBytes) {
        checkDeclaredLength(ctx, maxBytes);
        try (InputStream in = ctx.bodyInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, Math.min(ctx.contentLength(), maxBytes)));
            byte[] buffer = new byte[8192];
            int total = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > maxBytes) {
                    throw ApiException.payloadTooLarge(maxBytes);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            // The client went away or sent a broken chunked body: its fault, and nothing to log.
            throw new ApiException(400, "invalid_request", "request body could not be read");
        }
    }

    public static byte[] readJson(Context ctx, int maxBytes) {
        checkDeclaredLength(ctx, maxBytes);
        requireJson(ctx);
        return read(ctx, maxBytes);
    }
}
