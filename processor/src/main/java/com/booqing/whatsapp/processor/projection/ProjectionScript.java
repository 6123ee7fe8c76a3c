package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.booqing.whatsapp.common.redis.LuaScript;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code project.lua}: applies one record's {@link RedisWrites} and stores its offset in one atomic step,
 * unless that offset (or a later one) of the same topic-partition was applied already.
 */
public final class ProjectionScript {
    private static final ObjectMapper MAPPER = Json.strict();

    private static final LuaScript SCRIPT = LuaScript.resource(ProjectionScript.class, "project.lua");

    private final UnifiedJedis redis;
    private final String transitions;
    /** Whether this Redis is known to have the script, so that a pipelined batch can call it by its SHA-1. */
    private volatile boolean loaded;

    public ProjectionScript(UnifiedJedis redis) {
        this.redis = redis;
        this.transitions = transitions();
    }

    /**
     * One record's script call in a pipelined batch.
     *
     * @param previousOffset the offset of the call before this one for the same offset key in the same batch,
     *                       else null; the call then applies only once that offset is stored
     */
    public record Call(String offsetKey, long offset, RedisWrites writes, Long previousOffset) {
    }

    public enum Outcome {
        /** the writes were applied and the offset stored */
        APPLIED,
        /** this offset (or a later one) was applied before */
        REPEAT,
        /** the previous call of the same partition in the batch was not applied, so nothing was written */
        WAITING
    }

    /** The reply to one {@link Call}: an outcome, or the error Redis answered with. */
    public record Result(Outcome outcome, JedisDataException error) {
    }

    /** @return true when applied, false when the offset was applied before (repeat or stale) */
    public boolean apply(String offsetKey, long offset, RedisWrites writes) {
        List<String> keys = keys(offsetKey, writes);
        List<String> args = List.of(Long.toString(offset), writes.opsJson(MAPPER), transitions);
        Object result = SCRIPT.run(redis, keys, args);
        return result instanceof Long l && l == 1L;
    }

    /**
     * Sends the calls in order in one pipeline and reads the replies after one round trip. Each call stays one
     * atomic, offset-fenced script run; a call with a previous offset writes nothing unless that offset is
     * stored, so a failed call is never fenced out by the calls queued behind it.
     *
     * @return one result per call, in call order
     * @throws redis.clients.jedis.exceptions.JedisException when the connection fails: nothing is known then
     */
    public List<Result> applyAll(List<Call> calls) {
        if (!loaded) {
            SCRIPT.load(redis);
            loaded = true;
        }
        List<Response<Object>> replies = new ArrayList<>(calls.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Call c : calls) {
                List<String> args = c.previousOffset() == null
                        ? List.of(Long.toString(c.offset()), c.writes().opsJson(MAPPER), transitions)
                        : List.of(Long.toString(c.offset()), c.writes().opsJson(MAPPER), transitions,
                        Long.toString(c.previousOffset()));
                replies.add(SCRIPT.queue(pipeline, keys(c.offsetKey(), c.writes()), args));
            }
            pipeline.sync();
        }
        List<Result> results = new ArrayList<>(replies.size());
        for (Response<Object> reply : replies) {
            try {
                results.add(new Result(outcome(reply.get()), null));
            } catch (JedisNoScriptException e) {
                // Redis restarted or its script cache was flushed: load it again before the next batch.
                loaded = false;
                results.add(new Result(null, e));
            } catch (JedisDataException e) {
                results.add(new Result(null, e));
            }
        }
        return results;
    }

    private static Outcome outcome(Object reply) {
        if (reply instanceof Long l) {
            if (l == 1L) {
                return Outcome.APPLIED;
            }
            if (l == 2L) {
                return Outcome.WAITING;
            }
        }
        return Outcome.REPEAT;
    }

    private static List<String> keys(String offsetKey, RedisWrites writes) {
        List<String> keys = new ArrayList<>();
        keys.add(offsetKey);
        keys.addAll(writes.keys());
        return keys;
    }

    /** MessageStatus.canMoveTo as data, so the script decides moves against the status it reads. */
    static String transitions() {
        ObjectNode all = MAPPER.createObjectNode();
        for (MessageStatus from : MessageStatus.values()) {
            ObjectNode to = all.putObject(from.wireName());
            for (MessageStatus next : MessageStatus.values()) {
                if (from.canMoveTo(next)) {
                    to.put(next.wireName(), true);
                }
            }
        }
        return all.toString();
    }
}
