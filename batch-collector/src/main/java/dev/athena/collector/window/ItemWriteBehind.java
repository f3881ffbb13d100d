package dev.athena.collector.window;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Holds back the writes of pending items to the items store until Streams prepares a commit
 * ({@link dev.athena.collector.state.CommitHook}), so that an item batched before the next commit never reaches
 * the store or its changelog at all, and one that waits across a commit costs one write and one tombstone. This
 * is what the Streams record cache did for the items store, at a fraction of the cost: no sorted map, no
 * serialization on every put, and no tombstone for a key the changelog never saw.
 *
 * <p>Nothing here is restored: after a restart the items store is the truth and its items come back as slots
 * marked stored ({@link PendingSlot#restored}). Single-threaded, like the task that owns it.
 */
final class ItemWriteBehind {
    /** Slots with a write to make at the next commit, each once. */
    private final List<PendingSlot> held = new ArrayList<>();
    private final BiConsumer<String, PendingItem> target;

    /** @param target where held writes go (the items store's {@code put}; null is a tombstone) */
    ItemWriteBehind(BiConsumer<String, PendingItem> target) {
        this.target = target;
    }

    /** The slot's item is new or changed: written at the next commit as it then is. */
    void put(PendingSlot slot) {
        hold(slot);
    }

    /** The item left in a batch: a tombstone if the store has it, otherwise its held write is simply dropped. */
    void remove(PendingSlot slot) {
        slot.taken = true;
        if (slot.stored) {
            hold(slot);
        }
    }

    private void hold(PendingSlot slot) {
        if (!slot.held) {
            slot.held = true;
            held.add(slot);
        }
    }

    /** Slots waiting for the next commit, including batched ones that will write nothing. */
    int held() {
        return held.size();
    }

    /** Makes every held write; called just before Streams commits. */
    void flush() {
        for (PendingSlot slot : held) {
            slot.held = false;
            if (!slot.taken) {
                target.accept(slot.key(), slot.item());
                slot.stored = true;
            } else if (slot.stored) {
                target.accept(slot.key(), null);
                slot.stored = false;
            }
        }
        held.clear();
    }
}
