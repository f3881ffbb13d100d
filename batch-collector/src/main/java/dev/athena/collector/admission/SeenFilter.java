package dev.athena.collector.admission;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Bloom filters over the request ids in the seen store of one task, so that a new id (nearly every record) is
 * told apart without a RocksDB read. It may say "maybe" for an id it never saw (then the store decides), never
 * "no" for an id it was given: admission adds every id it remembers, and fills the filter from the store when the
 * task starts.
 *
 * <p>Design notes: generations of 2^24 bits (2 MiB) each. Ids go into the newest; once it holds its capacity a new
 * one starts, and a generation is dropped once every id in it was seen longer ago than the retention
 * ({@link #stamp}), so the filter follows the ids the store holds without ever being rebuilt from it. An earlier
 * build emptied its single filter when it had taken its capacity and filled it again from the whole store on
 * the stream thread: about half a second per task for 1.5 million ids, every task of a collector at about the same
 * time, nothing processed meanwhile. A lookup reaches one cache line per generation; beyond
 * {@link #MAX_GENERATIONS} the newest takes more than its capacity, its false positives grow, and they cost store
 * reads, never correctness.
 *
 * <p>Within a generation, blocks of 512 bits, one 64-byte cache line: an id sets one bit in each of its block's
 * eight words (a split-block Bloom filter), so a lookup and an insert each reach one line of memory, where seven
 * probes spread over the whole filter reached seven, for every request, in a filter far larger than the core's
 * caches. False positives stay near 1 % up to 1.5 million ids ({@code SeenFilterTest} measures them); the high
 * bits of one 64-bit hash ({@link #hash}) pick the block, the low ones the bits. Single-threaded, like the
 * processor that owns it.
 */
final class SeenFilter {
    static final long DEFAULT_CAPACITY = 1_500_000;
    /** At most 16 MiB per task: 12 million ids within the retention at ~1 % false positives per generation. */
    static final int MAX_GENERATIONS = 8;
    /**
     * The layout {@link #save} writes. Change it with the hash, the salts, the block layout or the size: a filter
     * kept by another build would then answer "no" for ids it was given, so one of another layout is never read.
     */
    static final int LAYOUT = 1;
    private static final int LOG2_BITS = 24;
    /** Eight words of 64 bits. */
    private static final int LOG2_BLOCK_BITS = 9;
    private static final int BLOCK_WORDS = 8;
    private static final int GENERATION_BYTES = (1 << LOG2_BITS) / Byte.SIZE;
    /** Odd multipliers, one per word of a block, that spread 32 bits of the hash into a bit index each. */
    private static final int[] SALTS = {0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b,
        0x9efc4947, 0x5c6bfb31};

    private final long capacity;
    /** Oldest first; the last one takes the ids. */
    private final List<Generation> generations = new ArrayList<>();
    /** The generations' bits, newest first, as the lookup of every record reads them. */
    private long[][] bits = new long[0][];
    private Generation newest;
    /** The generation that was the newest at the last {@link #stamp}, and how many ids it held then. */
    private int undatedFrom;
    private long datedIds;

    /** One filter of the chain: its bits, how many ids it took, and when the last of them was seen. */
    private static final class Generation {
        final long[] words = new long[(1 << LOG2_BITS) / Long.SIZE];
        long added;
        long lastSeenMs = Long.MIN_VALUE;
    }

    SeenFilter(long capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 but was " + capacity);
        }
        this.capacity = capacity;
        startGeneration();
    }

    /** An id seen now; {@link #stamp} dates it at the next commit. */
    void add(String id) {
        if (newest.added >= capacity && generations.size() < MAX_GENERATIONS) {
            startGeneration();
        }
        long hash = hash(id);
        int block = block(hash);
        int low = (int) hash;
        long[] words = newest.words;
        for (int i = 0; i < BLOCK_WORDS; i++) {
            words[block + i] |= 1L << ((low * SALTS[i]) >>> 26);
        }
        newest.added++;
    }

    /** An id seen at {@code seenAtMs}, as the store holds it when a task starts (before any {@link #add(String)}). */
    void add(String id, long seenAtMs) {
        add(id);
        newest.lastSeenMs = Math.max(newest.lastSeenMs, seenAtMs);
        markDated();
    }

    boolean mightContain(String id) {
        long hash = hash(id);
        int block = block(hash);
        int low = (int) hash;
        // newest first: a retry usually follows its first attempt closely
        for (long[] words : bits) {
            if (contains(words, block, low)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(long[] words, int block, int low) {
        for (int i = 0; i < BLOCK_WORDS; i++) {
            if ((words[block + i] & 1L << ((low * SALTS[i]) >>> 26)) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * At a commit: the ids added since the previous one were seen at {@code seenAtMs}, as the store records them;
     * generations whose every id was seen before {@code oldestLiveMs} are dropped (the store forgets those ids
     * too), never the newest.
     */
    void stamp(long seenAtMs, long oldestLiveMs) {
        for (int g = undatedFrom; g < generations.size(); g++) {
            Generation generation = generations.get(g);
            if (g > undatedFrom || generation.added > datedIds) {
                generation.lastSeenMs = Math.max(generation.lastSeenMs, seenAtMs);
            }
        }
        int expired = 0;
        while (expired < generations.size() - 1 && generations.get(expired).lastSeenMs < oldestLiveMs) {
            expired++;
        }
        if (expired > 0) {
            generations.subList(0, expired).clear();
            chain();
        }
        markDated();
    }

    /**
     * Writes the generations to {@code out}: the {@link #LAYOUT}, their count, then for each its ids taken, when
     * the last was seen, and its bits.
     */
    void save(FileChannel out) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(2 * Integer.BYTES);
        header.putInt(LAYOUT).putInt(generations.size()).flip();
        FilterSnapshot.writeFully(out, header);
        ByteBuffer generation = ByteBuffer.allocate(2 * Long.BYTES + GENERATION_BYTES);
        for (Generation each : generations) {
            generation.clear();
            generation.putLong(each.added).putLong(each.lastSeenMs);
            generation.asLongBuffer().put(each.words);
            generation.position(generation.capacity()).flip();
            FilterSnapshot.writeFully(out, generation);
        }
    }

    /**
     * Replaces this filter's generations with those {@link #save} wrote to {@code in} from its position on, which
     * must hold nothing else after them; on an error the filter is as it was.
     */
    void restore(FileChannel in) throws IOException {
        long remaining = in.size() - in.position();
        ByteBuffer header = ByteBuffer.allocate(2 * Integer.BYTES);
        FilterSnapshot.readFully(in, header);
        int layout = header.flip().getInt();
        if (layout != LAYOUT) {
            throw new IOException("a seen-id filter of layout " + layout + ", not " + LAYOUT);
        }
        int count = header.getInt();
        long expected = 2 * Integer.BYTES + (long) count * (2 * Long.BYTES + GENERATION_BYTES);
        if (count < 1 || count > MAX_GENERATIONS || remaining != expected) {
            throw new IOException("not a seen-id filter of " + count + " generations: " + remaining + " bytes");
        }
        List<Generation> read = new ArrayList<>(count);
        ByteBuffer generation = ByteBuffer.allocate(2 * Long.BYTES + GENERATION_BYTES);
        for (int g = 0; g < count; g++) {
            generation.clear();
            FilterSnapshot.readFully(in, generation);
            generation.flip();
            Generation each = new Generation();
            each.added = generation.getLong();
            each.lastSeenMs = generation.getLong();
            generation.asLongBuffer().get(each.words);
            read.add(each);
        }
        generations.clear();
        generations.addAll(read);
        newest = read.getLast();
        markDated();
        chain();
    }

    /** Every id taken so far has its date: the next {@link #stamp} dates only those added after this. */
    private void markDated() {
        undatedFrom = generations.size() - 1;
        datedIds = newest.added;
    }

    /** How many generations the filter holds now (each 2 MiB). */
    int generations() {
        return generations.size();
    }

    private void startGeneration() {
        newest = new Generation();
        generations.add(newest);
        chain();
    }

    private void chain() {
        bits = generations.reversed().stream().map(generation -> generation.words).toArray(long[][]::new);
    }

    /** The index of the first word of the id's block, from the hash's high bits. */
    private static int block(long hash) {
        return (int) (hash >>> (Long.SIZE - (LOG2_BITS - LOG2_BLOCK_BITS))) * BLOCK_WORDS;
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
