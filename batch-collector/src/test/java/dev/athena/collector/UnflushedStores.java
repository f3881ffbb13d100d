package dev.athena.collector;

import dev.athena.collector.admission.SeenIndexRocksDb;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * The collector's RocksDB settings with memtables so large that no store writes one out during a benchmark run:
 * what RocksDB's flushes cost the collector, as an upper bound. Not a way to run it: the memtables grow without
 * limit. {@code -Dbench.jvmArg=-Dbench.streams.rocksdb.config.setter=dev.athena.collector.UnflushedStores}.
 */
public final class UnflushedStores implements RocksDBConfigSetter {
    private static final long MEMTABLE_BYTES = 2L << 30;
    private final SeenIndexRocksDb collector = new SeenIndexRocksDb();

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        collector.setConfig(storeName, options, configs);
        options.setWriteBufferSize(MEMTABLE_BYTES); // Streams sets no limit across memtables (db_write_buffer_size)
    }

    @Override
    public void close(String storeName, Options options) {
        collector.close(storeName, options);
    }
}
