package com.booqing.whatsapp.common.kafka;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The values of a {@link CompactedTopicView} grouped by one of their fields (endpoints by tenant), kept current as
 * the view's listener. A group is looked up, not found by scanning the whole view: a sender looks up its tenant's
 * endpoints for every command, and a view can hold 100,000 endpoints. Each group is an immutable map replaced on
 * change, so readers on other threads never copy and never see a half-made group; its values come in key order.
 */
public final class ViewIndex<V> implements BiConsumer<String, V> {
    private final Function<V, String> groupOf;
    /** Each key's group as last indexed, so a delete (null value) or a move knows which group to leave. */
    private final Map<String, String> groupOfKey = new HashMap<>();
    private final Map<String, Map<String, V>> groups = new ConcurrentHashMap<>();

    public ViewIndex(Function<V, String> groupOf) {
        this.groupOf = groupOf;
    }

    /** The view's listener: {@code value} null when the key was deleted. */
    @Override
    public synchronized void accept(String key, V value) {
        String previous = value == null ? groupOfKey.remove(key) : groupOfKey.put(key, groupOf.apply(value));
        if (previous != null && (value == null || !previous.equals(groupOf.apply(value)))) {
            groups.computeIfPresent(previous, (g, members) -> without(members, key));
        }
        if (value != null) {
            groups.compute(groupOf.apply(value), (g, members) -> with(members, key, value));
        }
    }

    /** The group's values as of the last change; empty when it has none. */
    public Collection<V> group(String group) {
        Map<String, V> members = groups.get(group);
        return members == null ? List.of() : members.values();
    }

    private static <V> Map<String, V> with(Map<String, V> members, String key, V value) {
        Map<String, V> next = members == null ? new TreeMap<>() : new TreeMap<>(members);
        next.put(key, value);
        return Collections.unmodifiableMap(next);
    }

    /** @return null for an empty group, which removes it */
    private static <V> Map<String, V> without(Map<String, V> members, String key) {
        Map<String, V> next = new TreeMap<>(members);
        next.remove(key);
        return next.isEmpty() ? null : Collections.unmodifiableMap(next);
    }
}
