package dev.athena.collector.admission;

/**
 * A Bloom filter over the request ids in the seen store of one task, so that a new id (nearly every record) is
 * told apart without a RocksDB range read. It may say "maybe" for an id it never saw (then the store decides),
 * never "no" for an id it was given: admission adds every id it remembers, and fills the filter from the store
 * when the task starts. Ids that expire from the store stay in the filter and only cost a store read; once it
 * has taken its capacity its false positives grow, so admission rebuilds it from the store.
 *
 * <p>Design notes: 2^24 bits (2 MiB) and 7 probes keep false positives near 1 % up to 1.5 million ids;
 * probes by double hashing of one 64-bit hash ({@link #hash}). Single-threaded, like the processor that owns it.
 */
final class SeenFilter {
    static final long DEFAULT_CAPACITY = 1_500_000;
    private static final int LOG2_BITS = 24;
    private static final int PROBES = 7;

    private final long[] words = new long[(1 << LOG2_BITS) / Long.SIZE];
    private final long capacity;
    private long added;
    private long refillAt;

    SeenFilter(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
        }
        this.capacity = capacity;
        this.refillAt = capacity;
    }

    void add(String id) {
        long hash = hash(id);
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32);
        for (int i = 0; i < PROBES; i++) {
            int bit = (h1 + i * h2) >>> (Integer.SIZE - LOG2_BITS);
            words[bit >>> 6] |= 1L << bit;
        }
        added++;
    }

    boolean mightContain(String id) {
        long hash = hash(id);
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32);
        for (int i = 0; i < PROBES; i++) {
            int bit = (h1 + i * h2) >>> (Integer.SIZE - LOG2_BITS);
            if ((words[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    boolean full() {
        return added >= refillAt;
    }

    /**
     * Empties the filter for a refill; call {@link #refilled} after. A store holding more ids than the capacity
     * moves the next refill out to twice its size, so refills stay rare (the filter then answers "maybe" more
     * often, which costs store reads, never correctness).
     */
    void clear() {
        java.util.Arrays.fill(words, 0);
        added = 0;
    }

    void refilled() {
        refillAt = Math.max(capacity, 2 * added);
    }

    /**
     * The string's own hash spread over 64 bits by SplitMix64's finaliser. {@code String.hashCode} is computed
     * with a vectorised intrinsic and kept in the string, so the lookup and the add of one record's id hash it
     * once (a multiply per character had been a twentieth of the stream thread). Its 32 bits only add about
     * ids/2^32 to the false positives (0.03 % at the capacity), which cost a store read, never a result.
     */
    private static long hash(String id) {
        long h = id.hashCode() + 0x9e3779b97f4a7c15L;
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
