package dev.athena.collector.window;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Holds back the writes of pending items to the items store until Streams prepares a commit
 * ({@link dev.athena.collector.state.CommitHook}), so that an item batched before the next commit never reaches
 * the store or its changelog at all, and one that waits across a commit costs one write and one tombstone. This
 * is what the Streams record cache did for the items store, at a fraction of the cost: no sorted map, no
 * serialization on every put, and no tombstone for a key the changelog never saw.
 *
 * <p>Nothing here is restored: after a restart the items store is the truth and {@link #bind} marks its keys as
 * stored. Single-threaded, like the task that owns it.
 */
final class ItemWriteBehind {
    /** Writes not yet in the store; a null value is a tombstone. */
    private final Map<String, PendingItem> held = new HashMap<>();
    /** Keys the store (and so its changelog) holds. */
    private final Set<String> stored = new HashSet<>();
    private final BiConsumer<String, PendingItem> target;

    /**
     * @param target     where held writes go (the items store's {@code put}; null is a tombstone)
     * @param storedKeys the keys the store already has (restored ones)
     */
    ItemWriteBehind(BiConsumer<String, PendingItem> target, Collection<String> storedKeys) {
        this.target = target;
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

    /** Makes every held write; called just before Streams commits. */
    void flush() {
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
}
