package dev.athena.collector.state;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A store with no data that tells its processor when Streams is about to commit, so the processor can hold
 * writes back in memory and make them only then: a write undone before the commit (an item batched, a chunk
 * still growing) never reaches a store or its changelog.
 *
 * <p>Design notes. Streams flushes every store that is a {@link CachedStateStore} when it prepares a commit,
 * before it flushes the producer and commits the transaction with the input offsets, on every path that commits
 * (the interval, a rebalance, a clean shutdown), and also for tasks it keeps; that step is the hook.
 * {@code CachedStateStore} is internal to Kafka Streams, the price of the hook; the topology tests and the restart
 * tests fail if an upgrade stops calling it. What the listeners write goes to changelogged stores without a
 * cache, so it is part of that transaction. Listeners are named, so a processor initialised again after a
 * suspension replaces its own. Single-threaded, like the task that owns it.
 */
public final class CommitHook implements StateStore, CachedStateStore<Object, Object> {
    private final String name;
    private final Map<String, Runnable> listeners = new LinkedHashMap<>();
    private boolean open;

    private CommitHook(String name) {
        this.name = name;
    }

    /** Runs {@code beforeCommit} each time Streams prepares a commit of this task, until the store closes. */
    public void onCommit(String listener, Runnable beforeCommit) {
        listeners.put(listener, beforeCommit);
    }

    @Override
    public void flushCache() {
        listeners.values().forEach(Runnable::run);
    }

    /** Called when a task's state is recycled, after a commit; nothing is held then. */
    @Override
    public void clearCache() {
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
            throw new IllegalStateException(name + " has no changelog and nothing to restore");
        });
        open = true;
    }

    /**
     * Store flushes come with checkpoints, after the commit whose {@link #flushCache} already ran the listeners;
     * running them here would hide a Streams that stopped calling {@code flushCache}, which tests must see.
     */
    @Override
    public void flush() {
    }

    @Override
    public void close() {
        open = false;
        listeners.clear();
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    public static StoreBuilder<CommitHook> builder(String name) {
        return new Builder(name);
    }

    private record Builder(String name) implements StoreBuilder<CommitHook> {
        @Override
        public StoreBuilder<CommitHook> withCachingEnabled() {
            throw new UnsupportedOperationException(name + " holds no data to cache");
        }

        @Override
        public StoreBuilder<CommitHook> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitHook> withLoggingEnabled(Map<String, String> config) {
            throw new UnsupportedOperationException(name + " holds no data to log");
        }

        @Override
        public StoreBuilder<CommitHook> withLoggingDisabled() {
            return this;
        }

        @Override
        public CommitHook build() {
            return new CommitHook(name);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }
    }
}
