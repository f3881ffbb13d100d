package dev.athena.collector.window;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * Holds back the writes of pending items to the items store until Streams prepares a commit, so that an item
 * batched before the next commit never reaches the store or its changelog at all, and one that waits across a
 * commit costs one write and one tombstone. This is what the Streams record cache did for the items store, at a
 * fraction of the cost: no sorted map, no serialization on every put, and no tombstone for a key the changelog
 * never saw.
 *
 * <p>Design notes. Streams flushes every store that is a {@link CachedStateStore} in the same step, before it
 * flushes the producer and commits the transaction with the input offsets; that step is the hook used here
 * ({@code CachedStateStore} is internal to Kafka Streams, the price of the hook; {@code WriteBehindTopologyTest}
 * and the restart tests fail if a Streams upgrade stops calling it). The writes go to a changelogged store
 * without a cache, so they are part of that transaction. Nothing here is restored: after a restart the items
 * store is the truth and {@link #bind} marks its keys as stored. Single-threaded, like the task that owns it.
 */
final class ItemWriteBehind implements StateStore, CachedStateStore<String, PendingItem> {
    static final String NAME = "collector-window-write-behind";

    /** Writes not yet in the store; a null value is a tombstone. */
    private final Map<String, PendingItem> held = new HashMap<>();
    /** Keys the store (and so its changelog) holds. */
    private final Set<String> stored = new HashSet<>();
    private BiConsumer<String, PendingItem> target;
    private boolean open;

    /**
     * Where held writes go (the items store's {@code put}; null is a tombstone); {@code storedKeys} are the keys
     * the store already has (restored ones).
     */
    void bind(BiConsumer<String, PendingItem> target, Collection<String> storedKeys) {
        this.target = target;
        held.clear();
        stored.clear();
        stored.addAll(storedKeys);
    }

    void put(String key, PendingItem item) {
        held.put(key, item);
    }

    /** The item left in a batch: a tombstone if the store has it, otherwise its held write is simply dropped. */
    void remove(String key) {
        if (stored.contains(key)) {
            held.put(key, null);
        } else {
            held.remove(key);
        }
    }

    int held() {
        return held.size();
    }

    @Override
    public void flushCache() {
        if (target == null || held.isEmpty()) {
            return;
        }
        for (Map.Entry<String, PendingItem> write : held.entrySet()) {
            target.accept(write.getKey(), write.getValue());
            if (write.getValue() == null) {
                stored.remove(write.getKey());
            } else {
                stored.add(write.getKey());
            }
        }
        held.clear();
    }

    /** Called when a task's state is recycled, after a commit: nothing is held then, and bind starts afresh. */
    @Override
    public void clearCache() {
        held.clear();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<String, PendingItem> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
            throw new IllegalStateException(NAME + " has no changelog and nothing to restore");
        });
        open = true;
    }

    /**
     * Store flushes come with checkpoints, after the commit whose {@link #flushCache} already wrote everything
     * held; writing here would hide a Streams that stopped calling {@code flushCache}, which tests must see.
     */
    @Override
    public void flush() {
    }

    @Override
    public void close() {
        open = false;
        target = null;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    static StoreBuilder<ItemWriteBehind> builder() {
        return new Builder();
    }

    private static final class Builder implements StoreBuilder<ItemWriteBehind> {
        @Override
        public StoreBuilder<ItemWriteBehind> withCachingEnabled() {
            throw new UnsupportedOperationException(NAME + " is itself the cache of the items store");
        }

        @Override
        public StoreBuilder<ItemWriteBehind> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<ItemWriteBehind> withLoggingEnabled(Map<String, String> config) {
            throw new UnsupportedOperationException(NAME + " writes through the changelogged items store");
        }

        @Override
        public StoreBuilder<ItemWriteBehind> withLoggingDisabled() {
            return this;
        }

        @Override
        public ItemWriteBehind build() {
            return new ItemWriteBehind();
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }

        @Override
        public String name() {
            return NAME;
        }
    }
}
