package com.booqing.whatsapp.sender;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values worked out once per key and kept, for work on a send's path whose answer depends on the key alone (an
 * opened secret, a phone number's verdict, a URL's verdict), so an entry is never stale, only unused. Bounded by
 * starting over when full: cheaper than an eviction order, and a miss only costs the work again. A computation that
 * throws keeps nothing, so it is tried again next time. Two threads may compute the same key at once; both get an
 * equal value.
 */
public final class BoundedMemo<K, V> {
    private final int maxEntries;
    private final Map<K, V> values = new ConcurrentHashMap<>();

    public BoundedMemo(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** @param compute never returns null */
    public V get(K key, Function<K, V> compute) {
        V value = values.get(key);
        if (value == null) {
            value = compute.apply(key);
            if (values.size() >= maxEntries) {
                values.clear();
            }
            values.put(key, value);
        }
        return value;
    }

    public int size() {
        return values.size();
    }
}
