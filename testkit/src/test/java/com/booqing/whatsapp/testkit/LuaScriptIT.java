package com.booqing.whatsapp.testkit;

import com.booqing.whatsapp.common.redis.LuaScript;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * common's {@link LuaScript} against the real Redis. Each test's script is new to Redis (its text holds a random id),
 * which is how a restarted Redis sees every script; nothing is flushed.
 */
@KafkaAndRedis
class LuaScriptIT {

    private static LuaScript unknownScript() {
        return new LuaScript("return '" + UUID.randomUUID() + "'");
    }

    @Test
    void runsAScriptRedisDoesNotKnowYetAndByItsShaAfterThat(Infra infra) {
        LuaScript script = unknownScript();

        Object first = script.run(infra.redis(), List.of(), List.of());
        Object second = infra.redis().evalsha(script.sha(), List.of(), List.of());

        assertThat(first).isEqualTo(second).isInstanceOf(String.class);
    }

    @Test
    void aPipelinedCallFindsTheScriptOnlyOnceItIsLoaded(Infra infra) {
        LuaScript script = unknownScript();
        Response<Object> unknown;
        try (AbstractPipeline pipeline = infra.redis().pipelined()) {
            unknown = script.queue(pipeline, List.of(), List.of());
            pipeline.sync();
        }
        assertThatThrownBy(unknown::get).isInstanceOf(JedisNoScriptException.class);

        script.load(infra.redis());
        Response<Object> known;
        try (AbstractPipeline pipeline = infra.redis().pipelined()) {
            known = script.queue(pipeline, List.of(), List.of());
            pipeline.sync();
        }
        assertThat(known.get()).isInstanceOf(String.class);
    }
}
