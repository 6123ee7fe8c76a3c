package com.booqing.whatsapp.health;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Which keys of a compacted view belong to which group (endpoints by tenant, devices by endpoint), kept up to
 * date from the view's change listener so nobody scans the whole view per lookup. Thread-safe.
 */
public final class KeyIndex<V> {
    private final Function<V, String> groupOf;
    private final Map<String, String> groupByKey = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> keysByGroup = new ConcurrentHashMap<>();

    public KeyIndex(Function<V, String> groupOf) {
        this.groupOf = groupOf;
    }

    /** The view's listener: {@code value} null when the key was deleted. */
    public void update(String key, V value) {
        String group = value == null ? null : groupOf.apply(value);
        String before = group == null ? groupByKey.remove(key) : groupByKey.put(key, group);
        if (before != null && !before.equals(group)) {
            keysByGroup.computeIfPresent(before, (g, keys) -> {
                keys.remove(key);
                return keys.isEmpty() ? null : keys;
            });
        }
        if (group != null) {
            keysByGroup.computeIfAbsent(group, g -> ConcurrentHashMap.newKeySet()).add(key);
        }
    }

    public Set<String> keysOf(String group) {
        Set<String> keys = keysByGroup.get(group);
        return keys == null ? Set.of() : Set.copyOf(keys);
    }

    public Set<String> groups() {
        return Set.copyOf(keysByGroup.keySet());
    }

    public String groupOf(String key) {
        return groupByKey.get(key);
    }
}
