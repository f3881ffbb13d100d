package dev.athena.collector.window;

/**
 * One pending item of a route and where it stands with the items store. Routes and {@link ItemWriteBehind} hold
 * the slot itself rather than its store key, so an item batched before the next commit costs no key string and
 * no hash map entry beyond its cache key's; the key is built only for an item that reaches the store.
 * Single-threaded, like the task that owns it.
 */
final class PendingSlot {
    private final long seq;
    private final String route;
    private final String cacheKey;
    private final int keyHash;
    private String key;
    private PendingItem item;
    /** The store, and so its changelog, holds this key. */
    boolean stored;
    /** A write of this slot waits in {@link ItemWriteBehind}. */
    boolean held;
    /** The item left in a batch. */
    boolean taken;

    PendingSlot(long seq, String route, PendingItem item) {
        this.seq = seq;
        this.route = route;
        this.item = item;
        // kept here, where the index of pending questions probes, instead of three references away
        this.cacheKey = item.item().cacheKey();
        this.keyHash = cacheKey.hashCode();
    }

    /** A slot for an item of {@code route} read back from the store under {@code key}. */
    static PendingSlot restored(String route, String key, PendingItem item) {
        PendingSlot slot = new PendingSlot(RouteState.seqOf(key), route, item);
        slot.key = key;
        slot.stored = true;
        return slot;
    }

    long seq() {
        return seq;
    }

    /** The key in the items store: {@link RouteState#itemKey}. */
    String key() {
        if (key == null) {
            key = RouteState.itemKey(seq, route);
        }
        return key;
    }

    /** The item's cache key, which an update never changes. */
    String cacheKey() {
        return cacheKey;
    }

    int keyHash() {
        return keyHash;
    }

    PendingItem item() {
        return item;
    }

    void update(PendingItem updated) {
        if (!updated.item().cacheKey().equals(cacheKey)) {
            throw new IllegalArgumentException("a pending item keeps its cache key");
        }
        item = updated;
    }
}
