package com.booqing.whatsapp.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A tiny webhook endpoint for tests: keeps the raw bytes and headers of every POST and answers a chosen status. */
final class WebhookReceiver implements AutoCloseable {

    /** @param path the request path: "/webhook", or "/webhook/<event>" for Evolution's byEvents */
    record Received(byte[] body, Map<String, String> headers, String path) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return Http.JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    static final String VERIFY_TOKEN = "verify-me";

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger answer = new AtomicInteger(200);
    private final Javalin app;

    WebhookReceiver() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.post("/webhook", this::receive);
            cfg.routes.post("/webhook/{event}", this::receive);
            // Answers Meta's verification GET like a correct receiver configured with VERIFY_TOKEN.
            cfg.routes.get("/webhook", ctx -> {
                if ("subscribe".equals(ctx.queryParam("hub.mode"))
                        && VERIFY_TOKEN.equals(ctx.queryParam("hub.verify_token"))) {
                    ctx.result(ctx.queryParam("hub.challenge"));
                } else {
                    ctx.status(401);
                }
            });
        }).start("127.0.0.1", 0);
    }

    private void receive(Context ctx) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(ctx.headerMap());
        received.add(new Received(ctx.bodyAsBytes(), headers, ctx.path()));
        ctx.status(answer.get());
    }

    /** Bodies of the webhooks received so far whose top-level "event" is {@code event}, oldest first. */
    List<JsonNode> events(String event) {
        return received().stream().map(Received::json).filter(body -> event.equals(body.path("event").asText()))
                .toList();
    }

    String url() {
        return "http://127.0.0.1:" + app.port() + "/webhook";
    }

    void answer(int status) {
        answer.set(status);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        app.stop();
    }
}
