package dev.athena.collector.window;

/**
 * The pending slot of each cache key in one route, which coalescing looks up for every request: an
 * open-addressing table of the slots themselves (linear probing, at most half full).
 *
 * <p>Design notes. An item that leaves in a batch is not removed: its slot is marked taken, which the batch
 * does anyway, a lookup passes over it, and the next rebuild leaves it out. Removing the entry from a hash
 * map meant reaching a node allocated a window earlier, long out of the CPU's caches by then, for nothing but
 * bookkeeping; the slot is in hand anyway. The slots of taken items stay referenced until the table is rebuilt
 * (when half its places are in use) or the route empties and is dropped, as it does when its window closes
 * unless a client's quota holds items back: at most as many as half the table. Single-threaded, like the task
 * that owns it.
 */
final class PendingByCacheKey {
    private static final int MIN_CAPACITY = 128;

    private PendingSlot[] table = new PendingSlot[MIN_CAPACITY];
    /**
     * Each place's cache-key hash, beside the table: a probe compares it there and reaches the slot only when it
     * matches. Nearly every lookup is for a question not pending, and walking slots made a window earlier to
     * learn that cost as much as the hash map removal this table replaced.
     */
    private int[] hashes = new int[MIN_CAPACITY];
    /** Places holding a slot, taken or not: probing ends only at an empty place. */
    private int used;

    /** The slot of a pending (not taken) item with this cache key, or null. */
    PendingSlot get(String cacheKey) {
        int hash = cacheKey.hashCode();
        int mask = table.length - 1;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            PendingSlot slot = table[i];
            if (slot == null) {
                return null;
            }
            if (hashes[i] == hash && !slot.taken && slot.cacheKey().equals(cacheKey)) {
                return slot;
            }
        }
    }

    /** Makes {@code slot} the one found under its cache key, in place of any other pending one. */
    void put(PendingSlot slot) {
        int hash = slot.keyHash();
        int mask = table.length - 1;
        int i = spread(hash) & mask;
        for (PendingSlot held; (held = table[i]) != null; i = (i + 1) & mask) {
            if (hashes[i] == hash && !held.taken && held.cacheKey().equals(slot.cacheKey())) {
                table[i] = slot;
                return;
            }
        }
        table[i] = slot;
        hashes[i] = hash;
        if (++used * 2 > table.length) {
            rebuild();
        }
    }

    /** Places in use, taken slots included (tests). */
    int used() {
        return used;
    }

    /** Again with the pending slots only, in a table at most a quarter full. */
    private void rebuild() {
        PendingSlot[] old = table;
        int pending = 0;
        for (PendingSlot slot : old) {
            if (slot != null && !slot.taken) {
                pending++;
            }
        }
        int capacity = MIN_CAPACITY;
        while (capacity < pending * 4) {
            capacity <<= 1;
        }
        table = new PendingSlot[capacity];
        hashes = new int[capacity];
        used = 0;
        int mask = capacity - 1;
        for (PendingSlot slot : old) {
            if (slot != null && !slot.taken) {
                int i = spread(slot.keyHash()) & mask;
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = slot;
                hashes[i] = slot.keyHash();
                used++;
            }
        }
    }

    /** Linear probing needs the high bits mixed in: cache keys of one route differ only in their last part. */
    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }
}
