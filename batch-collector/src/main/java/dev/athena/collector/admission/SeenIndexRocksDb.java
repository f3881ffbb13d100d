package dev.athena.collector.admission;

import dev.athena.collector.CollectorTopology;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.CompactionOptionsFIFO;
import org.rocksdb.CompactionStyle;
import org.rocksdb.Options;

/**
 * RocksDB settings of the seen-id index ({@link SeenIds#INDEX_STORE}); every other store keeps Streams' own.
 * The index only ever gains ids and forgets them by age, which is what FIFO compaction is for: whole files are
 * deleted once older than {@link #KEEP_FILES_FOR} (the retention and a day, so an id is never deleted while it
 * may still be needed, lookups ignoring the ones already past the retention), never merged, and nothing sweeps
 * keys one by one. Without a size limit (FIFO's default would delete the oldest files past 1 GiB, forgetting ids
 * still within the retention) and without Level-0 write stalls (FIFO keeps every file in Level 0, so the usual
 * triggers would stop writes once a busy day had made a few dozen files).
 *
 * <p>Named in {@link dev.athena.collector.BatchCollector#streamsConfig}; Streams makes one per store it opens.
 */
public final class SeenIndexRocksDb implements RocksDBConfigSetter {
    static final Duration KEEP_FILES_FOR = CollectorTopology.SEEN_RETENTION.plus(Duration.ofDays(1));
    private static final int NO_STALL = 1 << 20;

    private CompactionOptionsFIFO fifo;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        if (!SeenIds.INDEX_STORE.equals(storeName)) {
            return;
        }
        fifo = new CompactionOptionsFIFO().setMaxTableFilesSize(Long.MAX_VALUE);
        options.setCompactionStyle(CompactionStyle.FIFO);
        options.setCompactionOptionsFIFO(fifo);
        options.setTtl(KEEP_FILES_FOR.toSeconds());
        options.setLevel0SlowdownWritesTrigger(NO_STALL);
        options.setLevel0StopWritesTrigger(NO_STALL);
        // one writer at a time anyway; without concurrent inserts the memtable keeps the place of the last insert,
        // so a write batch in key order (SeenIds) goes in without a walk down the skip list per key
        options.setAllowConcurrentMemtableWrite(false);
    }

    @Override
    public void close(String storeName, Options options) {
        if (fifo != null) {
            fifo.close();
            fifo = null;
        }
    }
}
