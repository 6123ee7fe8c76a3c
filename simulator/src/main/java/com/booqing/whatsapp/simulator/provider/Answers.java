package com.booqing.whatsapp.simulator.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

/** Writing provider answers: exact JSON bytes, or nothing at all (what Node servers send for an undefined result). */
public final class Answers {

    private Answers() {
    }

    public static void json(Context ctx, ObjectMapper json, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json; charset=utf-8").result(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render answer", e);
        }
    }

    public static void empty(Context ctx, int status) {
        ctx.status(status).result(new byte[0]);
    }

    public static void reply(Context ctx, ObjectMapper json, ProviderReply reply) {
        reply.headers().forEach(ctx::header);
        if (reply.body() == null) {
            empty(ctx, reply.status());
        } else {
            json(ctx, json, reply.status(), reply.body());
        }
    }
}
