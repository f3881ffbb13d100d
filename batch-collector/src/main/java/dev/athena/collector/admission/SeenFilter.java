package dev.athena.collector.admission;

/**
 * A Bloom filter over the request ids in the seen store of one task, so that a new id (nearly every record) is
 * told apart without a RocksDB range read. It may say "maybe" for an id it never saw (then the store decides),
 * never "no" for an id it was given: admission adds every id it remembers, and fills the filter from the store
 * when the task starts. Ids that expire from the store stay in the filter and only cost a store read; once it
 * has taken its capacity its false positives grow, so admission rebuilds it from the store.
 *
 * <p>Design notes: 2^24 bits (2 MiB), split into blocks of 512 bits, one 64-byte cache line: an id sets one
 * bit in each of its block's eight words (a split-block Bloom filter), so a lookup and an insert each reach one
 * line of memory, where seven probes spread over the whole filter reached seven, for every request, in a filter
 * far larger than the core's caches. False positives stay near 1 % up to 1.5 million ids ({@code SeenFilterTest}
 * measures them); the high bits of one 64-bit hash ({@link #hash}) pick the block, the low ones the bits.
 * Single-threaded, like the processor that owns it.
 */
final class SeenFilter {
    static final long DEFAULT_CAPACITY = 1_500_000;
    private static final int LOG2_BITS = 24;
    /** Eight words of 64 bits. */
    private static final int LOG2_BLOCK_BITS = 9;
    private static final int BLOCK_WORDS = 8;
    /** Odd multipliers, one per word of a block, that spread 32 bits of the hash into a bit index each. */
    private static final int[] SALTS = {0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b,
        0x9efc4947, 0x5c6bfb31};

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
        int block = block(hash);
        int low = (int) hash;
        for (int i = 0; i < BLOCK_WORDS; i++) {
            words[block + i] |= 1L << ((low * SALTS[i]) >>> 26);
        }
        added++;
    }

    boolean mightContain(String id) {
        long hash = hash(id);
        int block = block(hash);
        int low = (int) hash;
        for (int i = 0; i < BLOCK_WORDS; i++) {
            if ((words[block + i] & 1L << ((low * SALTS[i]) >>> 26)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** The index of the first word of the id's block, from the hash's high bits. */
    private static int block(long hash) {
        return (int) (hash >>> (Long.SIZE - (LOG2_BITS - LOG2_BLOCK_BITS))) * BLOCK_WORDS;
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
