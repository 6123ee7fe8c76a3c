package com.booqing.whatsapp.common.redis;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A Lua script that is run by its SHA-1 ({@code EVALSHA}). Sending the text with every call would make Redis hash
 * it again on every call. A Redis that does not know the script yet (new, restarted, or its script cache flushed)
 * answers {@code NOSCRIPT}: {@link #run} then sends the text ({@code EVAL}, which usually caches it; should Redis
 * evict it, the next call falls back again), and a pipeline's caller {@link #load}s it before its next batch.
 */
public final class LuaScript {
    private final String source;
    private final String sha;

    public LuaScript(String source) {
        this.source = Objects.requireNonNull(source, "source");
        this.sha = sha1Hex(source);
    }

    /** The script in {@code name}, a resource next to {@code owner}. */
    public static LuaScript resource(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath");
            }
            return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SHA-1 Redis knows the script by: the same as {@code SCRIPT LOAD} answers. */
    public String sha() {
        return sha;
    }

    public Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(source, keys, args);
        }
    }

    /** Queues one call; its reply throws {@link JedisNoScriptException} when Redis did not know the script. */
    public Response<Object> queue(AbstractPipeline pipeline, List<String> keys, List<String> args) {
        return pipeline.evalsha(sha, keys, args);
    }

    /** {@code SCRIPT LOAD}: after it, queued calls find the script. */
    public void load(UnifiedJedis redis) {
        redis.scriptLoad(source);
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
