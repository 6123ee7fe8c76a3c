package com.booqing.whatsapp.bench;

import redis.clients.jedis.Jedis;

import java.net.URI;

/** Redis's own account of a command (INFO commandstats): how many calls and how long each took inside Redis. */
final class RedisCommandStats {
    private RedisCommandStats() {
    }

    /** @return e.g. "evalsha 12,345 calls, 310 us/call", or "evalsha: no calls" / "?" */
    static String describe(URI redis, String command) {
        try (Jedis jedis = new Jedis(redis)) {
            for (String line : jedis.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_" + command + ":")) {
                    long calls = field(line, "calls");
                    double perCall = Double.parseDouble(value(line, "usec_per_call"));
                    return String.format("%s %,d calls, %.0f us/call inside Redis", command, calls, perCall);
                }
            }
            return command + ": no calls";
        } catch (RuntimeException e) {
            return command + ": ?";
        }
    }

    private static long field(String line, String name) {
        return Long.parseLong(value(line, name));
    }

    private static String value(String line, String name) {
        int at = line.indexOf(name + "=");
        int end = line.indexOf(',', at);
        return line.substring(at + name.length() + 1, end < 0 ? line.length() : end);
    }
}
