package com.booqing.whatsapp.ops;

import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every key of a namespace with its whole value (strings, hashes, lists, sets, sorted sets with scores), in a
 * form that compares with equals; TTLs are left out, since they count down between two dumps.
 */
final class RedisDump {
    private RedisDump() {
    }

    static Map<String, String> of(JedisPooled redis, String namespace) {
        Map<String, String> dump = new TreeMap<>();
        ScanParams match = new ScanParams().match(namespace + ":*").count(500);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            for (String key : page.getResult()) {
                String type = redis.type(key);
                String value = switch (type) {
                    case "string" -> redis.get(key);
                    case "hash" -> new TreeMap<>(redis.hgetAll(key)).toString();
                    case "list" -> redis.lrange(key, 0, -1).toString();
                    case "set" -> new TreeSet<>(redis.smembers(key)).toString();
                    case "zset" -> {
                        List<Tuple> tuples = redis.zrangeWithScores(key, 0, -1);
                        yield tuples.stream().map(t -> t.getElement() + "=" + t.getScore()).toList().toString();
                    }
                    case "none" -> null; // expired between SCAN and TYPE
                    default -> "<" + type + ">";
                };
                if (value != null) {
                    dump.put(key, type + " " + value);
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return dump;
    }

    /** The keys whose values differ between two dumps, "before -> after" (absent = null): readable failures. */
    static Map<String, String> changes(Map<String, String> before, Map<String, String> after) {
        Map<String, String> changed = new TreeMap<>();
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String k : keys) {
            String b = before.get(k);
            String a = after.get(k);
            if (b == null ? a != null : !b.equals(a)) {
                changed.put(k, b + "  ->  " + a);
            }
        }
        return changed;
    }
}
