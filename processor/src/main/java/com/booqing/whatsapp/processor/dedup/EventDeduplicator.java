package com.booqing.whatsapp.processor.dedup;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Remembers which event ids were emitted, in a persistent, changelogged Streams store (event id -> wall-clock
 * millis when first seen), so a webhook the provider delivers twice, or a raw record replayed, yields its
 * events once. Entries older than the window are purged by a wall-clock punctuator; Meta retries a webhook for
 * up to 7 days, hence the default window.
 *
 * <p>Scope: the store is per task of the raw-webhooks topic, whose key is tenant:endpoint, so an event is
 * recognised when it comes again through the same endpoint (which is how providers redeliver).
 */
public final class EventDeduplicator {
    public static final String STORE = "event-dedup";
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofHours(1);

    private final KeyValueStore<String, Long> store;
    private final long windowMs;

    public EventDeduplicator(KeyValueStore<String, Long> store, Duration window) {
        this.store = store;
        this.windowMs = window.toMillis();
    }

    public static StoreBuilder<KeyValueStore<String, Long>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long());
    }

    /** Records the id and says whether it is new; an entry past the window that was not purged yet counts as gone. */
    public boolean firstSeen(String eventId, long nowMs) {
        Long seen = store.get(eventId);
        if (seen != null && nowMs - seen < windowMs) {
            return false;
        }
        store.put(eventId, nowMs);
        return true;
    }

    /** @return how many ids were forgotten */
    public int purge(long nowMs) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> kv = all.next();
                if (kv.value == null || nowMs - kv.value >= windowMs) {
                    expired.add(kv.key);
                }
            }
        }
        expired.forEach(store::delete);
        return expired.size();
    }
}
