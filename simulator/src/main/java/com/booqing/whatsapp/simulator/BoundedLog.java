package com.booqing.whatsapp.simulator;

import java.util.ArrayDeque;
import java.util.List;

/** The last {@code capacity} items, oldest dropped first; safe for concurrent use. */
final class BoundedLog<T> {

    private final int capacity;
    private final ArrayDeque<T> items = new ArrayDeque<>();

    BoundedLog(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(T item) {
        if (items.size() == capacity) {
            items.removeFirst();
        }
        items.addLast(item);
    }

    synchronized List<T> snapshot() {
        return List.copyOf(items);
    }

    synchronized int size() {
        return items.size();
    }

    synchronized void clear() {
        items.clear();
    }
}
