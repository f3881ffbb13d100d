package dev.athena.collector.admission;

import dev.athena.collector.state.CommitHook;
import dev.athena.collector.state.StoreKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request ids admission has answered or batched, for {@code retention}, so a client retrying gets no second
 * result. A {@link SeenFilter} answers "never seen" for nearly every record without reading a store.
 *
 * <p>An id is remembered per client ({@code clientId/requestId}: neither may hold a {@code /}): request ids are
 * chosen by each client, and another client's request under an id already used is a request of its own, not a
 * retry to drop.
 *
 * <p>Design notes. Two stores, so that the changelog carries one record per commit instead of one per request:
 * <ul>
 *   <li>the <em>log</em>: changelogged, one entry ("chunk") per commit holding the ids remembered since the
 *       previous one, written just before Streams commits ({@link CommitHook}), in the same transaction as the
 *       input offsets; it is the truth;</li>
 *   <li>the <em>index</em>: the ids, each with the stream time it was seen at, for exact lookups, local only
 *       (no changelog), plus the number of the last chunk it holds. It is written after each commit's chunk,
 *       all the ids of the interval in one RocksDB write batch (until then they are looked up in memory): a put
 *       per request was the single largest cost of admission, and the write batch, made on the stream thread,
 *       still took a tenth of it. So a writer thread ({@link #INDEX_WRITER}) makes it, while the stream thread
 *       goes on; the ids it holds are looked up in memory until it is done, the next commit waits for it (it is
 *       long done by then), and so does closing the task, so Streams never closes the store under it. A write
 *       that fails fails the task at its next commit or lookup: the log still holds those ids, and the index,
 *       whose position was not moved past them, takes them from the log when the task starts again.</li>
 * </ul>
 * The index needs no changelog because under exactly-once Streams deletes a task's whole state directory
 * (logged and local stores alike) whenever it was not closed cleanly, so a local store is either exactly as of
 * the last commit or empty. When a task starts, every chunk after the one the index holds is put into it: all of
 * them after a wipe or on a new machine, the missed ones when the task comes back to a machine it left, none
 * after a clean restart. Chunk numbers only grow (the next is the larger of the last plus one and the wall-clock
 * millisecond), so "after the one the index holds" stays true even when a machine's index is days old. The log
 * drops whole segments once older than the retention; an id in the index older than the retention (in stream
 * time) counts as forgotten, and the index's RocksDB deletes whole files once older than the retention and a
 * day ({@link SeenIndexRocksDb}), so nothing sweeps either; a task that starts more than a day after the index
 * was last written takes the whole log again ({@link #catchUpIndex}).
 * Single-threaded, like the task that owns it.
 */
final class SeenIds {
    /** The index: a key-value store (earlier builds had a window store, {@code collector-seen-index}). */
    static final String INDEX_STORE = "collector-seen-ids";
    static final String INDEX_POSITION_STORE = "collector-seen-index-position";
    static final String LOG_STORE = "collector-seen-log";
    static final String COMMIT_HOOK = "collector-admission-commit-hook";
    /**
     * Ids per chunk: {@code client/id} takes at most 64 + 1 + 128 ASCII characters and a line break, so a chunk
     * (at most 970,000 bytes) stays below Kafka's default 1 MB record limit.
     */
    static final int MAX_CHUNK_IDS = 5_000;
    /** The last chunk the index holds (earlier builds' window-store index kept theirs under "last-chunk"). */
    private static final String POSITION = "ids-last-chunk";
    /** When (wall clock) the index was last written: see {@link #catchUpIndex}. */
    static final String WRITTEN_AT = "ids-written-at";
    private static final Logger LOG = LoggerFactory.getLogger(SeenIds.class);
    private static final long NONE_UNSCOPED = Long.MIN_VALUE;
    /**
     * Makes the index writes of every task in this JVM, one after another: each is a tenth of a stream thread's
     * work at most, so one thread keeps up with several stream threads. A daemon: it holds nothing that is not
     * also in the log.
     */
    static final ExecutorService INDEX_WRITER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "athena-seen-index-writer");
        thread.setDaemon(true);
        return thread;
    });

    private final ProcessorContext<?, ?> context;
    private final Duration retention;
    private final SeenFilter filter;
    private final KeyValueStore<String, Long> index;
    private final KeyValueStore<String, Long> position;
    private final WindowStore<Long, String> log;
    private final Executor writer;
    private final FilterSnapshot snapshot;
    /**
     * Ids remembered since the last commit, in order: neither in the log nor in the index yet. A list, not a set:
     * it is searched only when the filter says "maybe" (a retry, or about one new id in a hundred), and a hash
     * set's insert per request cost more than those few scans of one commit interval's ids.
     */
    private List<String> unlogged = new ArrayList<>();
    /** The ids of the last commit, which the writer may not have put into the index yet. */
    private List<String> writing = List.of();
    /**
     * The list of the write before the last, free again once that write is done: the next commit's ids go
     * into it, instead of a new list per commit grown, copy by copy, to a commit's worth of ids.
     */
    private List<String> spare = new ArrayList<>();
    private CompletableFuture<Void> write = CompletableFuture.completedFuture(null);
    private long lastChunk;
    /**
     * When the last id an earlier version remembered without its client was seen, or {@link #NONE_UNSCOPED}: while
     * such ids live, a retry across the upgrade is still one, and lookups try the id without its client too.
     */
    private long unscopedSeenAt = NONE_UNSCOPED;

    SeenIds(ProcessorContext<?, ?> context, Duration retention, SeenFilter filter) {
        this(context, retention, filter, INDEX_WRITER);
    }

    /** With the index written by {@code writer} ({@code Runnable::run}: on the stream thread, at the commit). */
    SeenIds(ProcessorContext<?, ?> context, Duration retention, SeenFilter filter, Executor writer) {
        this.writer = writer;
        this.context = context;
        this.retention = retention;
        this.filter = filter;
        this.index = context.getStateStore(INDEX_STORE);
        this.position = context.getStateStore(INDEX_POSITION_STORE);
        this.log = context.getStateStore(LOG_STORE);
        this.snapshot = new FilterSnapshot(context.stateDir().toPath());
        catchUpIndex();
        Long indexed = position.get(POSITION);
        long started = System.nanoTime();
        // read (and deleted) even when the index is empty, so no later start meets it
        FilterSnapshot.Header kept = snapshot.restore(filter, indexed == null ? Long.MIN_VALUE : indexed);
        String from;
        if (kept == null) {
            from = fill() + " live ids of the index";
        } else {
            unscopedSeenAt = kept.unscopedSeenAt();
            from = "the file the last close kept at chunk " + indexed;
        }
        if (indexed != null) { // the task processes nothing meanwhile: half a second or more per million ids
            LOG.info("seen-id filter made from {} in {} ms ({} generations)", from,
                    (System.nanoTime() - started) / 1_000_000, filter.generations());
        }
        context.<CommitHook>getStateStore(COMMIT_HOOK).onCommit("seen-ids", this::writeChunks);
    }

    static List<StoreBuilder<?>> stores(StoreKind kind, Duration retention) {
        return List.of(
                Stores.keyValueStoreBuilder(kind.keyValue(INDEX_STORE), Serdes.String(), Serdes.Long())
                        .withCachingDisabled().withLoggingDisabled(),
                Stores.keyValueStoreBuilder(kind.keyValue(INDEX_POSITION_STORE), Serdes.String(), Serdes.Long())
                        .withCachingDisabled().withLoggingDisabled(),
                Stores.windowStoreBuilder(kind.expiring(LOG_STORE, retention), Serdes.Long(), Serdes.String())
                        .withCachingDisabled(),
                CommitHook.builder(COMMIT_HOOK));
    }

    /** Whether the client's request id was seen; {@code key} is {@link #key} of the two, made once per record. */
    boolean contains(String key, String requestId) {
        return contains(key) || (unscopedSeenAt != NONE_UNSCOPED && contains(requestId));
    }

    static String key(String clientId, String requestId) {
        return clientId + '/' + requestId;
    }

    private boolean contains(String id) {
        if (!filter.mightContain(id)) {
            return false;
        }
        if (unlogged.contains(id)) {
            return true;
        }
        if (!write.isDone() || write.isCompletedExceptionally()) {
            if (writing.contains(id)) {
                return true;
            }
            if (write.isCompletedExceptionally()) {
                awaitWrite(); // fails the task here rather than let a retry through
            }
        }
        Long seenAt = index.get(id);
        return seenAt != null && live(seenAt);
    }

    /** Files of the index are deleted lazily; anything seen before the retention counts as forgotten already. */
    private boolean live(long seenAtMs) {
        return seenAtMs >= streamTime() - retention.toMillis();
    }

    /** Remembers {@link #key}{@code (clientId, requestId)}: in memory until the commit writes it down. */
    void add(String key) {
        unlogged.add(key);
        filter.add(key);
    }

    /**
     * The ids remembered since the last commit, as chunks of the log and into the index; the index learns where it
     * stands.
     */
    private void writeChunks() {
        if (unlogged.isEmpty()) {
            return;
        }
        awaitWrite();
        long seenAt = streamTime();
        long oldestLive = seenAt - retention.toMillis();
        filter.stamp(seenAt, oldestLive);
        if (unscopedSeenAt < oldestLive) {
            unscopedSeenAt = NONE_UNSCOPED;
        }
        for (int from = 0; from < unlogged.size(); from += MAX_CHUNK_IDS) {
            // numbers only grow, for this task on any machine, even after every chunk has expired
            lastChunk = Math.max(lastChunk + 1, context.currentSystemTimeMs());
            int to = Math.min(unlogged.size(), from + MAX_CHUNK_IDS);
            log.put(lastChunk, String.join("\n", unlogged.subList(from, to)), seenAt);
        }
        List<String> ids = unlogged;
        long chunk = lastChunk;
        long writtenAt = context.currentSystemTimeMs();
        writing = ids;
        spare.clear(); // its write was awaited above
        unlogged = spare;
        spare = ids;
        write = CompletableFuture.runAsync(() -> {
            index.putAll(stamped(ids, seenAt));
            position.put(POSITION, chunk);
            position.put(WRITTEN_AT, writtenAt);
        }, writer);
    }

    /** Waits for the index write in progress; a failed one is this task's failure. */
    private void awaitWrite() {
        try {
            write.join();
        } catch (CompletionException e) {
            throw new StreamsException("could not write seen request ids to the index", e.getCause());
        }
        writing = List.of();
    }

    /**
     * Waits for the index write in progress, so the store closes after it, and keeps the filter for the next start
     * ({@link FilterSnapshot}); call from the processor's close.
     */
    void close() {
        try {
            awaitWrite();
        } catch (StreamsException e) {
            LOG.warn("the index missed the last seen ids; it takes them from the log when the task starts: {}",
                    e.getCause().toString());
            return;
        }
        try {
            Long indexed = position.get(POSITION);
            if (indexed != null) {
                snapshot.save(filter, new FilterSnapshot.Header(indexed, unscopedSeenAt));
            }
        } catch (RuntimeException e) { // a store closed under the task: the next start fills the filter
            LOG.warn("could not keep the seen-id filter for the next start: {}", e.toString());
        }
    }

    /**
     * The ids as index entries, in key order: the index's memtable then finds each insert next to the one before
     * ({@link SeenIndexRocksDb}), where random order cost a walk down the whole skip list, a cache miss a level.
     * Sorts a copy: the list itself may be read meanwhile by the stream thread.
     */
    private static List<KeyValue<String, Long>> stamped(List<String> ids, long seenAt) {
        String[] sorted = ids.toArray(String[]::new);
        Arrays.sort(sorted);
        List<KeyValue<String, Long>> entries = new ArrayList<>(sorted.length);
        for (String id : sorted) {
            entries.add(KeyValue.pair(id, seenAt));
        }
        return entries;
    }

    /**
     * Puts into the index every chunk of the log it does not hold yet (ids never contain a line break); every
     * chunk, when the index was last written longer ago than its files outlive the retention. Its files are
     * deleted by wall-clock age ({@link SeenIndexRocksDb}) and ids count as forgotten by stream time, so after a
     * day or more away (an outage, a machine that held the task long ago) files may be gone whose ids are still
     * live for the stream time the task resumes at, such as a backlog's retries of requests answered just before
     * the outage; the log keeps them by stream time, so it has them all.
     */
    private void catchUpIndex() {
        Long indexed = position.get(POSITION);
        Long writtenAt = position.get(WRITTEN_AT);
        long away = writtenAt == null ? 0 : context.currentSystemTimeMs() - writtenAt;
        boolean filesMayBeGone = away > SeenIndexRocksDb.KEEP_FILES_FOR.minus(retention).toMillis();
        long held = indexed == null || filesMayBeGone ? 0 : indexed;
        long chunks = 0;
        long ids = 0;
        lastChunk = indexed == null ? 0 : indexed;
        try (KeyValueIterator<Windowed<Long>, String> all = log.all()) {
            while (all.hasNext()) {
                KeyValue<Windowed<Long>, String> chunk = all.next();
                long number = chunk.key.key();
                lastChunk = Math.max(lastChunk, number);
                if (number <= held) {
                    continue;
                }
                List<String> chunkIds = List.of(chunk.value.split("\n"));
                index.putAll(stamped(chunkIds, chunk.key.window().start()));
                ids += chunkIds.size();
                chunks++;
            }
        }
        if (chunks > 0) {
            position.put(POSITION, lastChunk);
            position.put(WRITTEN_AT, context.currentSystemTimeMs());
            LOG.info("seen-request index caught up with {} chunks of the log ({} ids){}", chunks, ids,
                    filesMayBeGone ? ", all of them after " + Duration.ofMillis(away).toHours() + " h away" : "");
        }
    }

    /**
     * The filter from the live ids in the index (returns how many), when the task starts, unless the last close
     * kept it; afterwards it takes each id as it is remembered. Ids remembered by an earlier build are in its
     * window-store index, which is not read: they only reach this index from the log (all of it, once, after the
     * upgrade), and a legacy one is one without '/'.
     */
    private long fill() {
        long ids = 0;
        try (KeyValueIterator<String, Long> all = index.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                if (live(entry.value)) {
                    ids++;
                    filter.add(entry.key, entry.value);
                    if (entry.key.indexOf('/') < 0) {
                        unscopedSeenAt = Math.max(unscopedSeenAt, entry.value);
                    }
                }
            }
        }
        return ids;
    }

    private long streamTime() {
        return Math.max(0, context.currentStreamTimeMs());
    }
}
