package dev.athena.collector.admission;

import dev.athena.collector.state.CommitHook;
import dev.athena.collector.state.StoreKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
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
 *   <li>the <em>index</em>: the ids, stamped with when they were seen, for exact lookups, local only (no
 *       changelog), plus the number of the last chunk it holds.</li>
 * </ul>
 * The index needs no changelog because under exactly-once Streams deletes a task's whole state directory
 * (logged and local stores alike) whenever it was not closed cleanly, so a local store is either exactly as of
 * the last commit or empty. When a task starts, every chunk after the one the index holds is put into it: all of
 * them after a wipe or on a new machine, the missed ones when the task comes back to a machine it left, none
 * after a clean restart. Chunk numbers only grow (the next is the larger of the last plus one and the wall-clock
 * millisecond), so "after the one the index holds" stays true even when a machine's index is days old. Both
 * stores drop whole segments once older than the retention, so nothing sweeps them.
 * Expiry follows stream time. Single-threaded, like the task that owns it.
 */
final class SeenIds {
    static final String INDEX_STORE = "collector-seen-index";
    static final String INDEX_POSITION_STORE = "collector-seen-index-position";
    static final String LOG_STORE = "collector-seen-log";
    static final String COMMIT_HOOK = "collector-admission-commit-hook";
    /**
     * Ids per chunk: {@code client/id} takes at most 64 + 1 + 128 ASCII characters and a line break, so a chunk
     * (at most 970,000 bytes) stays below Kafka's default 1 MB record limit.
     */
    static final int MAX_CHUNK_IDS = 5_000;
    private static final String POSITION = "last-chunk";
    /** The index only answers "was it seen" (the window start says when); a null value would be a delete. */
    private static final byte[] PRESENT = {1};
    private static final Logger LOG = LoggerFactory.getLogger(SeenIds.class);

    private final ProcessorContext<?, ?> context;
    private final Duration retention;
    private final SeenFilter filter;
    private final WindowStore<String, byte[]> index;
    private final KeyValueStore<String, Long> position;
    private final WindowStore<Long, String> log;
    private final List<String> unlogged = new ArrayList<>();
    private long lastChunk;
    /** Ids remembered by an earlier version without their client: a retry across the upgrade is still one. */
    private boolean unscopedIds;

    SeenIds(ProcessorContext<?, ?> context, Duration retention, SeenFilter filter) {
        this.context = context;
        this.retention = retention;
        this.filter = filter;
        this.index = context.getStateStore(INDEX_STORE);
        this.position = context.getStateStore(INDEX_POSITION_STORE);
        this.log = context.getStateStore(LOG_STORE);
        catchUpIndex();
        refill();
        context.<CommitHook>getStateStore(COMMIT_HOOK).onCommit("seen-ids", this::writeChunks);
    }

    static List<StoreBuilder<?>> stores(StoreKind kind, Duration retention) {
        return List.of(
                Stores.windowStoreBuilder(kind.expiring(INDEX_STORE, retention), Serdes.String(), Serdes.ByteArray())
                        .withCachingDisabled().withLoggingDisabled(),
                Stores.keyValueStoreBuilder(kind.keyValue(INDEX_POSITION_STORE), Serdes.String(), Serdes.Long())
                        .withCachingDisabled().withLoggingDisabled(),
                Stores.windowStoreBuilder(kind.expiring(LOG_STORE, retention), Serdes.Long(), Serdes.String())
                        .withCachingDisabled(),
                CommitHook.builder(COMMIT_HOOK));
    }

    /** Whether the client's request id was seen; {@code key} is {@link #key} of the two, made once per record. */
    boolean contains(String key, String requestId) {
        return contains(key) || (unscopedIds && contains(requestId));
    }

    static String key(String clientId, String requestId) {
        return clientId + '/' + requestId;
    }

    private boolean contains(String id) {
        if (!filter.mightContain(id)) {
            return false;
        }
        // segments are dropped lazily; anything stamped before the retention counts as forgotten already
        long from = Math.max(0, context.currentStreamTimeMs() - retention.toMillis());
        try (WindowStoreIterator<byte[]> found = index.fetch(id, from, Long.MAX_VALUE)) {
            return found.hasNext();
        }
    }

    /**
     * Remembers {@link #key}{@code (clientId, requestId)}, stamped with stream time: the stores drop whole segments
     * once stream time is past the retention.
     */
    void add(String key) {
        index.put(key, PRESENT, streamTime());
        unlogged.add(key);
        if (filter.full()) {
            refill();
        } else {
            filter.add(key);
        }
    }

    /** The ids remembered since the last commit, as chunks of the log; the index learns where it stands. */
    private void writeChunks() {
        if (unlogged.isEmpty()) {
            return;
        }
        for (int from = 0; from < unlogged.size(); from += MAX_CHUNK_IDS) {
            // numbers only grow, for this task on any machine, even after every chunk has expired
            lastChunk = Math.max(lastChunk + 1, context.currentSystemTimeMs());
            log.put(lastChunk, String.join("\n", unlogged.subList(from, Math.min(unlogged.size(),
                    from + MAX_CHUNK_IDS))), streamTime());
        }
        position.put(POSITION, lastChunk);
        unlogged.clear();
    }

    /** Puts into the index every chunk of the log it does not hold yet (ids never contain a line break). */
    private void catchUpIndex() {
        Long indexed = position.get(POSITION);
        long held = indexed == null ? 0 : indexed;
        long chunks = 0;
        long ids = 0;
        lastChunk = held;
        try (KeyValueIterator<Windowed<Long>, String> all = log.all()) {
            while (all.hasNext()) {
                KeyValue<Windowed<Long>, String> chunk = all.next();
                long number = chunk.key.key();
                lastChunk = Math.max(lastChunk, number);
                if (number <= held) {
                    continue;
                }
                long stamp = chunk.key.window().start();
                for (String id : chunk.value.split("\n")) {
                    index.put(id, PRESENT, stamp);
                    ids++;
                }
                chunks++;
            }
        }
        if (chunks > 0) {
            position.put(POSITION, lastChunk);
            LOG.info("seen-request index caught up with {} chunks of the log ({} ids)", chunks, ids);
        }
    }

    /** The filter from the ids in the index; also when it has taken its capacity. */
    private void refill() {
        filter.clear();
        boolean unscoped = false;
        try (KeyValueIterator<Windowed<String>, byte[]> all = index.all()) {
            while (all.hasNext()) {
                String id = all.next().key.key();
                filter.add(id);
                unscoped |= id.indexOf('/') < 0;
            }
        }
        unscopedIds = unscoped;
        filter.refilled();
    }

    private long streamTime() {
        return Math.max(0, context.currentStreamTimeMs());
    }
}
