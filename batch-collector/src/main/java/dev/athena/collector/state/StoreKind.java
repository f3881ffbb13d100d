package dev.athena.collector.state;

import java.time.Duration;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * Where the collector's stores keep their data. Production uses RocksDB; tests that drive thousands of commits
 * through TopologyTestDriver may use memory. Both are changelogged, so the logic under test is the same.
 */
public enum StoreKind {
    PERSISTENT, IN_MEMORY;

    public KeyValueBytesStoreSupplier keyValue(String name) {
        return this == PERSISTENT ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
    }

    /** A store whose entries expire by whole segments once older than {@code retention} (no sweeping). */
    public WindowBytesStoreSupplier expiring(String name, Duration retention) {
        Duration size = Duration.ofMillis(1);
        return this == PERSISTENT ? Stores.persistentWindowStore(name, retention, size, false)
                : Stores.inMemoryWindowStore(name, retention, size, false);
    }
}
