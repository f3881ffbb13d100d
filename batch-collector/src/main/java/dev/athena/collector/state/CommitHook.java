package dev.athena.collector.state;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * suspension replaces its own.
 *
 * <p>One hook's flush runs the listeners of every task on the same stream thread that has a hook of the same
 * builder. Streams prepares the tasks of a commit one after another, each flushing its stores and then the shared
 * producer, which waits until the broker has acknowledged everything sent so far: with the writes made per task,
 * each task's flush was a round trip of its own, six per commit with six tasks, and waiting for them took about
 * half of the collector's time under load. Made all at the first task's flush, they take one round trip; the later
 * flushes find nothing held. This is as safe as it is for the tasks' output records, which also sit in the one
 * transaction the thread shares under exactly-once v2: what a listener writes is state the task already reached
 * by processing or punctuating (which makes Streams commit it with its offsets), and if that transaction aborts,
 * Streams closes every task that wrote to it dirty, state included.
 */
public final class CommitHook implements StateStore, CachedStateStore<Object, Object> {
    private final String name;
    /** The hooks of this builder with listeners, by the stream thread whose tasks registered them. */
    private final Map<Thread, Set<CommitHook>> byThread;
    private final Map<String, Runnable> listeners = new LinkedHashMap<>();
    private Thread owner;
    private boolean open;

    private CommitHook(String name, Map<Thread, Set<CommitHook>> byThread) {
        this.name = name;
        this.byThread = byThread;
    }

    /**
     * Runs {@code beforeCommit} each time Streams prepares a commit of this task, or of another task of the same
     * thread, until the store closes. Call it from the processor's {@code init}, on the stream thread.
     */
    public void onCommit(String listener, Runnable beforeCommit) {
        listeners.put(listener, beforeCommit);
        Thread current = Thread.currentThread();
        if (owner != current) {
            leaveOwner();
            owner = current;
            byThread.computeIfAbsent(current, thread -> ConcurrentHashMap.newKeySet()).add(this);
        }
    }

    @Override
    public void flushCache() {
        Set<CommitHook> sameThread = byThread.get(Thread.currentThread());
        if (sameThread == null || !sameThread.contains(this)) {
            runListeners();
        }
        if (sameThread != null) {
            sameThread.forEach(CommitHook::runListeners);
        }
    }

    private void runListeners() {
        listeners.values().forEach(Runnable::run);
    }

    private void leaveOwner() {
        if (owner != null) {
            byThread.computeIfPresent(owner, (thread, hooks) -> {
                hooks.remove(this);
                return hooks.isEmpty() ? null : hooks;
            });
            owner = null;
        }
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
        leaveOwner();
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** One per topology: the hooks it builds for the tasks of one stream thread flush together. */
    public static StoreBuilder<CommitHook> builder(String name) {
        return new Builder(name, new ConcurrentHashMap<>());
    }

    private record Builder(String name, Map<Thread, Set<CommitHook>> byThread) implements StoreBuilder<CommitHook> {
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
            return new CommitHook(name, byThread);
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
