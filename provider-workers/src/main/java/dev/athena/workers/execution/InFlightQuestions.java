package dev.athena.workers.execution;

import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Lane;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The questions this worker is asking its providers now, by cache key, so that an item asking one of them again
 * (in another batch, or twice in one) waits for that answer instead of paying for a second call. The collector
 * already coalesces identical questions inside one window; this covers those that arrive in later windows while
 * the first is still being answered, which for remote models is seconds: a scan sent again, copies of a file in a
 * repository, the same snippet from two teams.
 *
 * <p>Design notes: batches go to {@code athena.batches} partitions by route, so one route's batches, and with
 * them every item of one cache key, reach the same worker instance: a map in memory finds them without a
 * round trip to Redis. A key leaves the map when its answer is in (or its batch gave up), so the map holds at
 * most the items being executed. Only a {@code COMPLETED} answer is shared: after a failure the follower makes
 * its own attempts, as it would have without a leader. A follower that streams is not shared (its client waits
 * for chunks the leader's call sends to another requester); it leads or runs alone. A bulk item may wait for an
 * interactive one as well as for a bulk one; an interactive item waits only for an interactive one (each lane
 * has its own leaders). Thread-safe.
 */
public final class InFlightQuestions {
    private final Map<Lane, ConcurrentHashMap<String, CompletableFuture<ItemResult>>> answers = new EnumMap<>(
            Lane.class);
    private final AtomicLong followers = new AtomicLong();

    public InFlightQuestions() {
        for (Lane lane : Lane.values()) {
            answers.put(lane, new ConcurrentHashMap<>());
        }
    }

    /**
     * Registers the batch's items: each leads its question (is asked of a provider, its answer shared when in),
     * follows an item already asking it, or runs alone. The caller must {@link Claims#release release} the
     * claims once the batch is done or abandoned.
     */
    Claims claim(List<BatchItem> items) {
        @SuppressWarnings("unchecked")
        CompletableFuture<ItemResult>[] led = new CompletableFuture[items.size()];
        @SuppressWarnings("unchecked")
        CompletableFuture<ItemResult>[] followed = new CompletableFuture[items.size()];
        for (int i = 0; i < items.size(); i++) {
            BatchItem item = items.get(i);
            if (item.cacheKey() == null) {
                continue;
            }
            boolean mayWait = !item.request().streaming();
            Lane lane = item.request().lane();
            // bulk work may wait for an interactive answer, never the other way round: a scan's call can sit
            // behind its lane's backlog for longer than an interactive deadline allows
            CompletableFuture<ItemResult> interactive = answers.get(Lane.INTERACTIVE).get(item.cacheKey());
            if (mayWait && lane == Lane.BULK && interactive != null) {
                followed[i] = interactive;
                followers.incrementAndGet();
                continue;
            }
            CompletableFuture<ItemResult> mine = new CompletableFuture<>();
            CompletableFuture<ItemResult> existing = answers.get(lane).putIfAbsent(item.cacheKey(), mine);
            if (existing == null) {
                led[i] = mine;
            } else if (mayWait) {
                followed[i] = existing;
                followers.incrementAndGet();
            }
        }
        return new Claims(items, led, followed);
    }

    /** How many items have waited for another's answer since this worker started. */
    long followers() {
        return followers.get();
    }

    /** How many questions are being answered now. */
    int size() {
        return answers.values().stream().mapToInt(Map::size).sum();
    }

    /** What one batch's items do about their questions. */
    final class Claims {
        private final List<BatchItem> items;
        private final CompletableFuture<ItemResult>[] led;
        private final CompletableFuture<ItemResult>[] followed;

        private Claims(List<BatchItem> items, CompletableFuture<ItemResult>[] led,
                CompletableFuture<ItemResult>[] followed) {
            this.items = items;
            this.led = led;
            this.followed = followed;
        }

        /** The answer item {@code index} waits for, or null when it asks a provider itself. */
        CompletableFuture<ItemResult> leader(int index) {
            return followed[index];
        }

        /** Item {@code index} has its result: those following it get it, and its question is no longer in flight. */
        void answered(int index, ItemResult result) {
            CompletableFuture<ItemResult> mine = led[index];
            if (mine != null) {
                BatchItem item = items.get(index);
                answers.get(item.request().lane()).remove(item.cacheKey(), mine);
                mine.complete(result);
            }
        }

        /** Ends every lead not answered (the batch was abandoned): their followers ask for themselves. */
        void release() {
            for (int i = 0; i < led.length; i++) {
                answered(i, null);
            }
        }
    }
}
