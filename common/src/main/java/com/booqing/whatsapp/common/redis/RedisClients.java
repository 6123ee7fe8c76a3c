package com.booqing.whatsapp.common.redis;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;

import java.net.URI;

/** One place that turns REDIS_URL into a pooled client. */
public final class RedisClients {
    private RedisClients() {
    }

    public static JedisPooled pooled(URI redisUrl, int maxConnections) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(maxConnections);
        pool.setMaxIdle(maxConnections);
        pool.setMinIdle(1);
        return new JedisPooled(pool, redisUrl, 5_000);
    }
}
