package com.booqing.whatsapp.ingress.live;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /status/{tenantId}}: a page for people, showing a tenant's endpoints, devices, failovers and a
 * pairing device's QR code, kept current by the live stream. The page is the same for every tenant and holds no
 * data: its script reads the tenant from the path and the key from the URL fragment (never sent to a server) or
 * asks for it, trades the key for a stream token and opens the stream. Plain HTML, CSS and JavaScript from the
 * class path: no CDN, no build step.
 */
public final class StatusPage {
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final String html = read("/status/status.html");
    private final String script = read("/status/status.js");
    private final String style = read("/status/status.css");

    public void page(Context ctx) {
        headers(ctx);
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8").result(html);
    }

    public void script(Context ctx) {
        headers(ctx);
        ctx.contentType("text/javascript; charset=utf-8").result(script);
    }

    public void style(Context ctx) {
        headers(ctx);
        ctx.contentType("text/css; charset=utf-8").result(style);
    }

    /** The key may sit in the page's URL fragment: no Referer leaves the page, and nothing sniffs content types. */
    private static void headers(Context ctx) {
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Content-Type-Options", "nosniff");
    }

    private static String read(String resource) {
        try (InputStream in = StatusPage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
