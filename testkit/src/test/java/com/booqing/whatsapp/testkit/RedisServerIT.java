package com.booqing.whatsapp.testkit;

import com.booqing.whatsapp.devstack.FreePorts;
import com.booqing.whatsapp.devstack.RedisServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class RedisServerIT {

    @Test
    void usesRedisUrlWhenItAnswersAndLeavesItRunning() {
        try (RedisServer existing = RedisServer.resolve((String) null)) {
            RedisServer resolved = RedisServer.resolve(existing.url());

            assertThat(resolved.started()).isFalse();
            assertThat(resolved.url()).isEqualTo(existing.url());
            assertThat(resolved.describe()).isEqualTo("Redis: using REDIS_URL " + existing.url());

            resolved.close();
            assertThat(pong(existing.uri())).isTrue();
        }
    }

    @Test
    void startsRedisServerOnAFreePortWhenRedisUrlIsDeadAndStopsItOnClose() {
        String dead = "redis://127.0.0.1:" + FreePorts.next();
        URI started;
        try (RedisServer redis = RedisServer.resolve(dead)) {
            started = redis.uri();
            assertThat(redis.started()).isTrue();
            assertThat(redis.url()).isNotEqualTo(dead).startsWith("redis://127.0.0.1:");
            assertThat(redis.describe()).startsWith("Redis: started ").contains("on port " + started.getPort());
            assertThat(pong(started)).isTrue();
        }
        assertThat(FreePorts.isListening(started.getPort())).isFalse();
    }

    @Test
    void runsTheBinaryShippedInEmbeddedRedis() {
        URI started;
        try (RedisServer redis = RedisServer.startEmbedded()) {
            started = redis.uri();
            assertThat(redis.describe()).startsWith("Redis: started embedded-redis binary");
            assertThat(pong(started)).isTrue();
        }
        assertThat(FreePorts.isListening(started.getPort())).isFalse();
    }

    @Test
    void startedServerKeepsNothingOnDisk() {
        try (RedisServer redis = RedisServer.resolve((String) null); Jedis jedis = new Jedis(redis.uri())) {
            assertThat(jedis.configGet("save").get("save")).isEmpty();
            assertThat(jedis.configGet("appendonly").get("appendonly")).isEqualTo("no");
        }
    }

    private static boolean pong(URI url) {
        try (Jedis jedis = new Jedis(url)) {
            return "PONG".equals(jedis.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
