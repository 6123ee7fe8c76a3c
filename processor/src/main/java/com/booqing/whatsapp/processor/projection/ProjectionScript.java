package com.booqing.whatsapp.processor.projection;

import com.booqing.whatsapp.common.json.Json;
import com.booqing.whatsapp.common.message.MessageStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code project.lua}: applies one record's {@link RedisWrites} and stores its offset in one atomic step,
 * unless that offset (or a later one) of the same topic-partition was applied already.
 */
public final class ProjectionScript {
    private static final ObjectMapper MAPPER = Json.strict();

    private final UnifiedJedis redis;
    private final String source;
    private final String transitions;
    private volatile String sha;

    public ProjectionScript(UnifiedJedis redis) {
        this.redis = redis;
        this.source = load();
        this.transitions = transitions();
    }

    /** @return true when applied, false when the offset was applied before (repeat or stale) */
    public boolean apply(String offsetKey, long offset, RedisWrites writes) {
        List<String> keys = new ArrayList<>();
        keys.add(offsetKey);
        keys.addAll(writes.keys());
        List<String> args = List.of(Long.toString(offset), writes.opsJson(MAPPER), transitions);
        Object result;
        try {
            result = redis.evalsha(sha(), keys, args);
        } catch (JedisNoScriptException e) {
            // Redis restarted or its script cache was flushed.
            sha = null;
            result = redis.evalsha(sha(), keys, args);
        }
        return result instanceof Long l && l == 1L;
    }

    private String sha() {
        String s = sha;
        if (s == null) {
            s = redis.scriptLoad(source);
            sha = s;
        }
        return s;
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

    private static String load() {
        try (InputStream in = ProjectionScript.class.getResourceAsStream("project.lua")) {
            if (in == null) {
                throw new IllegalStateException("project.lua is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
