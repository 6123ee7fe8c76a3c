package com.booqing.whatsapp.ingress.live;

import com.booqing.whatsapp.ingress.http.Caller;
import com.booqing.whatsapp.ingress.http.NotFound;
import com.booqing.whatsapp.ingress.http.PathParams;
import com.booqing.whatsapp.ingress.http.UnavailableException;
import com.booqing.whatsapp.ingress.management.ManagementStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * <pre>
 * GET  /api/whatsapp/stream/{tenantId}         text/event-stream of the tenant's health, devices, QR codes, failovers
 * POST /api/whatsapp/stream/{tenantId}/token   a short-lived token for ?access_token= (browsers' EventSource)
 * </pre>
 * Authenticated like every tenant route (another tenant's key gets the 404 of a tenant that does not exist). An
 * open stream holds no thread: it is a servlet async request written with non-blocking output.
 */
public final class StreamHandlers {
    public static final String STREAM_PATH = "/api/whatsapp/stream/";

    private final StreamHub hub;
    private final LiveFeed feed;
    private final StreamTokens tokens;
    private final ManagementStore store;
    private final FailoverHistory history;
    private final ObjectMapper json;

    public StreamHandlers(StreamHub hub, LiveFeed feed, StreamTokens tokens, ManagementStore store,
                          FailoverHistory history, ObjectMapper json) {
        this.hub = hub;
        this.feed = feed;
        this.tokens = tokens;
        this.store = store;
        this.history = history;
        this.json = json;
    }

    public void stream(Context ctx) {
        String tenantId = existingTenant(ctx);
        if (!feed.isReady()) {
            throw new UnavailableException("the live stream is starting; retry later");
        }
        // Browsers send Last-Event-ID when they reconnect by themselves; a page that opens a new EventSource (with
        // a new token) can only say it in the query.
        String lastEventId = ctx.header("Last-Event-ID");
        if (lastEventId == null) {
            lastEventId = ctx.queryParam("lastEventId");
        }
        List<Failover> recent = hub.mayResume(lastEventId) ? List.of() : history.recent(tenantId);
        StreamSession session = hub.open(tenantId, Caller.of(ctx), lastEventId, recent);
        ctx.status(200);
        ctx.contentType("text/event-stream; charset=utf-8");
        ctx.header("Cache-Control", "no-cache, no-store");
        ctx.header("X-Accel-Buffering", "no"); // proxies such as nginx would otherwise hold frames back
        ctx.future(() -> {
            try {
                return session.start(ctx.req(), ctx.res());
            } catch (IOException | RuntimeException e) {
                session.end(StreamSession.End.CLIENT_GONE);
                return CompletableFuture.completedFuture(null);
            }
        });
    }

    public void token(Context ctx) {
        String tenantId = existingTenant(ctx);
        StreamTokens.Issued issued = tokens.issue(tenantId, Caller.of(ctx).keyId());
        ObjectNode body = json.createObjectNode();
        body.put("token", issued.token());
        body.put("expiresAt", issued.expiresAt().toString());
        body.put("streamUrl", STREAM_PATH + tenantId);
        ctx.header("Cache-Control", "no-store");
        ctx.json(body);
    }

    private String existingTenant(Context ctx) {
        String tenantId = PathParams.tenantId(ctx);
        if (store.config(tenantId).isEmpty()) {
            throw NotFound.tenant();
        }
        return tenantId;
    }
}
